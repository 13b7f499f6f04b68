package io.batchwise.demo;

import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The demo job's input: an OpenAI-style batch file of KServe requests for one model. */
final class JobFile {
    private static final String[] VALUES = {"-3", "-2", "-1", "0", "1", "2", "3"};

    private JobFile() {
    }

    /**
     * Writes {@code rows / rowsPerLine} lines of {@code rowsPerLine} rows each for {@code model}'s
     * KServe endpoint. Features are small integers (as one-hot or bucketed tabular features are),
     * which keeps the file, and the JSON the job decodes, small; they are deterministic.
     */
    static Path write(Path file, String model, TensorSpec input, int rows, int rowsPerLine) throws IOException {
        if (input.type() != DataType.FP32 || input.shape().length != 2 || input.shape()[1] < 1) {
            throw new IllegalStateException("the demo expects the scorer's FP32 [-1, width] input (got " + input + ")");
        }
        int width = (int) input.shape()[1];
        String head = "\",\"method\":\"POST\",\"url\":\"/v2/models/" + model + "/infer\",\"body\":{\"inputs\":[{\"name\":\""
                + input.name() + "\",\"datatype\":\"FP32\",\"shape\":[" + rowsPerLine + "," + width + "],\"data\":[";
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int line = 0; line < rows / rowsPerLine; line++) {
                w.write("{\"custom_id\":\"line-");
                w.write(Integer.toString(line));
                w.write(head);
                for (int r = 0; r < rowsPerLine; r++) {
                    int row = line * rowsPerLine + r;
                    for (int j = 0; j < width; j++) {
                        if (r + j > 0) {
                            w.write(',');
                        }
                        w.write(VALUES[Math.floorMod(row * 31 + j * 7 + (row * j >> 3), VALUES.length)]);
                    }
                }
                w.write("]}]}}\n");
            }
        }
        return file;
    }
}
