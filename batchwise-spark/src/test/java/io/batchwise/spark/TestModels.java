package io.batchwise.spark;

import io.batchwise.model.ModelConfig;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Reference scores computed by batchwise's runtime directly, one row per run. */
final class TestModels {
    private TestModels() {
    }

    /** The tiny model's output for one row of 16 features. */
    static float[] tinyScores(Path onnx, float[] features) {
        try (ModelInstance instance = OnnxRuntime.create().open(onnx, ModelConfig.defaults("tiny"), 0)) {
            Tensor out = instance.runBatch(List.of(List.of(Tensor.ofFloats("input", new long[] {1, 16}, features))),
                    Set.of()).get(0).get(0);
            double[] values = out.toDoubles();
            float[] result = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                result[i] = (float) values[i];
            }
            return result;
        }
    }

    /** Deterministic features of row {@code i}. */
    static float[] features(int i) {
        float[] f = new float[16];
        for (int j = 0; j < 16; j++) {
            f[j] = (float) Math.sin(i * 16 + j) * 2;
        }
        return f;
    }
}
