package io.batchwise.onnx;

import java.util.List;

/**
 * Plain-Java forward passes over the same seeded weights the ONNX files hold, in double
 * precision, to check what ONNX Runtime computes. Weights are streamed row by row from their
 * generator, so even the scorer's 25M weights are never held at once.
 */
final class Reference {
    private Reference() {
    }

    static double[][] mlp(double[][] x, List<DenseLayer> layers) {
        for (DenseLayer layer : layers) {
            x = dense(x, layer);
        }
        return x;
    }

    static double[][] dense(double[][] x, DenseLayer layer) {
        double[][] y = new double[x.length][layer.out()];
        SeededWeights.Reader w = layer.weights().reader();
        float[] row = new float[layer.out()];
        for (int i = 0; i < layer.in(); i++) { // W is [in, out] row-major: row i scales x[:, i]
            w.read(row, 0, row.length);
            for (int r = 0; r < x.length; r++) {
                double xi = x[r][i];
                for (int j = 0; j < row.length; j++) {
                    y[r][j] += xi * row[j];
                }
            }
        }
        float[] bias = layer.bias().values(layer.out());
        for (double[] yr : y) {
            for (int j = 0; j < yr.length; j++) {
                yr[j] = activate(layer.activation(), yr[j] + bias[j]);
            }
        }
        return y;
    }

    static double[][] embed(long[][] ids) {
        int width = DemoModels.EMBEDDER_WIDTH;
        float[] table = DemoModels.embedderTable().values(DemoModels.EMBEDDER_VOCAB * width);
        double[][] pooled = new double[ids.length][width];
        for (int r = 0; r < ids.length; r++) {
            for (long id : ids[r]) {
                for (int k = 0; k < width; k++) {
                    pooled[r][k] += table[(int) id * width + k] / (double) ids[r].length;
                }
            }
        }
        double[][] y = mlp(pooled, DemoModels.embedderLayers());
        for (double[] row : y) {
            double norm = Math.sqrt(dot(row, row));
            for (int j = 0; j < row.length; j++) {
                row[j] /= norm;
            }
        }
        return y;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double activate(String activation, double v) {
        if (activation == null) {
            return v;
        }
        return switch (activation) {
            case "Relu" -> Math.max(0, v);
            case "Tanh" -> Math.tanh(v);
            default -> throw new IllegalArgumentException("no reference for " + activation);
        };
    }
}
