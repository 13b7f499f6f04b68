package io.batchwise.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Batch input lines for the demo models, for integration tests. */
public final class JobLines {
    public static final String TINY = "/v2/models/tiny/infer";

    private JobLines() {
    }

    /** A KServe line for {@code tiny} whose 16 inputs depend on {@code i}. */
    public static String tiny(int i) {
        StringBuilder b = new StringBuilder("{\"custom_id\":\"row-").append(i).append("\",\"method\":\"POST\",\"url\":\"")
                .append(TINY).append("\",\"body\":{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",")
                .append("\"shape\":[1,16],\"data\":[");
        for (int j = 0; j < 16; j++) {
            b.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", ((i * 31 + j * 7) % 97) / 97.0 - 0.5));
        }
        return b.append("]}]}}\n").toString();
    }

    /** A tiny line whose input has the wrong shape: fails when it runs (400), the others go on. */
    public static String tinyWrongShape(String customId) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"" + TINY + "\",\"body\":{\"inputs\":"
                + "[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}}\n";
    }

    public static String tiny(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(tiny(i));
        }
        return b.toString();
    }

    public static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** The custom ids of a JSONL result file, in order. */
    public static List<String> customIds(String content) {
        List<String> ids = new ArrayList<>();
        for (String line : content.split("\n")) {
            if (!line.isEmpty()) {
                int at = line.indexOf("\"custom_id\":\"") + 13;
                ids.add(line.substring(at, line.indexOf('"', at)));
            }
        }
        return ids;
    }

    public static List<String> rowIds(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("row-" + i);
        }
        return ids;
    }
}
