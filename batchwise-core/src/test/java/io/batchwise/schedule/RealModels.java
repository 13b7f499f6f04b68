package io.batchwise.schedule;

import io.batchwise.onnx.OnnxWriter;
import io.batchwise.onnx.SyntheticModels;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small real ONNX models in a temporary repository, for tests of the threaded scheduler. */
final class RealModels {
    static final int INPUT_WIDTH = 8;

    private RealModels() {
    }

    /**
     * Writes {@code dir/<name>/1/model.onnx} (an MLP 8 -> 32 -> 4, input "input", output
     * "output") and a config.yaml with the given batching and queue sections.
     */
    static void write(Path dir, String name, String config) throws IOException {
        Path model = dir.resolve(name);
        OnnxWriter.write(SyntheticModels.mlp(name, 7, INPUT_WIDTH, 32, 4), model.resolve("1").resolve("model.onnx"));
        Files.writeString(model.resolve("config.yaml"), "name: " + name + "\n" + config);
    }

    /** A random input of {@code rows} rows. */
    static List<Tensor> input(Random random, int rows) {
        float[] v = new float[rows * INPUT_WIDTH];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return List.of(Tensor.ofFloats("input", new long[] {rows, INPUT_WIDTH}, v));
    }
}
