package io.batchwise.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One fully connected layer, y = act(x W + b) with W of shape [in, out], described by its
 * seeded weights. The same description adds the ONNX nodes and gives tests the weights for a
 * reference forward pass, so the two cannot drift apart.
 *
 * @param name       prefix of the layer's initializer and value names
 * @param activation an elementwise ONNX operator such as "Relu" or "Tanh", or null for none
 */
record DenseLayer(String name, int in, int out, SeededWeights weights, SeededWeights bias, String activation) {
    /** Biases are small so they shift activations without dominating them. */
    static final float BIAS_SCALE = 0.1f;

    /**
     * Layers mapping dims[0] to dims[1], ..., dims[n-2] to dims[n-1]; every layer but the last
     * applies the hidden activation, the last is linear. Each tensor's seed is derived from the
     * model seed and the tensor's name.
     */
    static List<DenseLayer> stack(String prefix, long seed, int[] dims, String hiddenActivation) {
        if (dims.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output size");
        }
        List<DenseLayer> layers = new ArrayList<>();
        for (int k = 0; k + 1 < dims.length; k++) {
            int in = dims[k];
            int out = dims[k + 1];
            if (in < 1 || out < 1) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + in + " -> " + out);
            }
            String name = prefix + ".dense" + k;
            layers.add(new DenseLayer(name, in, out,
                    SeededWeights.xavier(SplitMix64.derive(seed, name + ".weight"), in, out),
                    SeededWeights.uniform(SplitMix64.derive(seed, name + ".bias"), BIAS_SCALE),
                    k + 2 < dims.length ? hiddenActivation : null));
        }
        return List.copyOf(layers);
    }

    /** Adds a stack of layers from {@code input} to {@code output}. */
    static void addAll(List<DenseLayer> layers, OnnxGraph.Builder graph, String input, String output) {
        String x = input;
        for (int k = 0; k < layers.size(); k++) {
            x = layers.get(k).addTo(graph, x, k + 1 == layers.size() ? output : null);
        }
    }

    /** Adds MatMul, Add and the activation; returns the result's name ({@code output} if given). */
    String addTo(OnnxGraph.Builder graph, String input, String output) {
        String w = name + ".weight";
        String b = name + ".bias";
        String matmul = name + ".matmul";
        String sum = activation == null && output != null ? output : name + ".add";
        graph.initializer(w, new long[] {in, out}, weights)
                .initializer(b, new long[] {out}, bias)
                .node("MatMul", List.of(input, w), List.of(matmul))
                .node("Add", List.of(matmul, b), List.of(sum));
        if (activation == null) {
            return sum;
        }
        String act = output != null ? output : name + "." + activation.toLowerCase(Locale.ROOT);
        graph.node(activation, List.of(sum), List.of(act));
        return act;
    }
}
