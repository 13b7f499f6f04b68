package io.batchwise.onnx;

import io.batchwise.tensor.DataType;

import java.util.List;

/**
 * Synthetic models of any size with deterministic weights, for tests and benchmarks that need
 * a real ONNX model of a given shape but not a trained one.
 */
public final class SyntheticModels {
    private SyntheticModels() {
    }

    /**
     * A multilayer perceptron: input {@code input} FP32 [-1, dims[0]], a MatMul + Add layer per
     * consecutive pair of sizes with Relu between layers, output {@code output} FP32
     * [-1, dims[last]]. Weights are Xavier-uniform from {@code seed}.
     *
     * @param dims the input size, any hidden sizes, then the output size
     */
    public static OnnxGraph mlp(String name, long seed, int... dims) {
        return mlp(name, "input", "output", mlpLayers(name, seed, dims));
    }

    /** The layers {@link #mlp(String, long, int...)} builds, with their weights. */
    static List<DenseLayer> mlpLayers(String name, long seed, int... dims) {
        return DenseLayer.stack(name, seed, dims, "Relu");
    }

    static OnnxGraph mlp(String name, String input, String output, List<DenseLayer> layers) {
        OnnxGraph.Builder graph = OnnxGraph.builder(name).input(input, DataType.FP32, -1, layers.get(0).in());
        DenseLayer.addAll(layers, graph, input, output);
        return graph.output(output, DataType.FP32, -1, layers.get(layers.size() - 1).out()).build();
    }
}
