package io.batchwise.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Batch input lines for the tiny model, and the reading of output line files. */
final class TestLines {
    static final ObjectMapper JSON = new ObjectMapper();

    private TestLines() {
    }

    /** A KServe v2 request line with {@code rows} rows of 16 features starting at row {@code first}. */
    static String line(String customId, int first, int rows) {
        StringBuilder data = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            for (float f : TestModels.features(first + r)) {
                data.append(data.length() == 0 ? "" : ",").append(f);
            }
        }
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v2/models/tiny/infer\","
                + "\"body\":{\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows + ",16],\"datatype\":\"FP32\","
                + "\"data\":[" + data + "]}]}}";
    }

    /** The lines of a file, or of every {@code part-*} file of a folder, by custom_id; fails on repeats. */
    static Map<String, JsonNode> byCustomId(Path fileOrDir) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            files.add(fileOrDir);
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node = JSON.readTree(line);
                    if (out.put(node.get("custom_id").asText(), node) != null) {
                        throw new AssertionError("custom_id " + node.get("custom_id") + " appears twice in " + fileOrDir);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
