package io.batchwise.plan;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.batchwise.model.Durations;
import io.batchwise.model.InvalidConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML or JSON document kept as a tree whose every value remembers its file, line and path,
 * so that a bad value is reported as {@code workloads.yaml:12: workloads[1].latency: ...}.
 * Jackson's streaming parser gives each token's location; the data-binding tree would lose it.
 */
final class DocNode {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private final String file;
    private final int line;
    private final String path;
    private final Object value;

    private DocNode(String file, int line, String path, Object value) {
        this.file = file;
        this.line = line;
        this.path = path;
        this.value = value;
    }

    /** Reads a file: {@code .json} as JSON, anything else as YAML. */
    static DocNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidConfig(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file.toString(), file.toString().endsWith(".json"));
    }

    /** Parses text; {@code name} is the file name used in errors. */
    static DocNode parse(String text, String name, boolean json) {
        try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new DocNode(name, 1, "", null);
            }
            DocNode root = read(p, name, "");
            if (p.nextToken() != null) {
                throw new PlanFileError(name, line(p.currentTokenLocation()), "", "unexpected content after the document");
            }
            return root;
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new PlanFileError(name, at == null ? 1 : line(at), "",
                    "not valid " + (json ? "JSON" : "YAML") + " (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new PlanFileError(name, 1, "", "cannot parse (" + e.getMessage() + ")");
        }
    }

    private static int line(JsonLocation at) {
        return Math.max(1, at.getLineNr());
    }

    private static DocNode read(JsonParser p, String file, String path) throws IOException {
        int line = line(p.currentTokenLocation());
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, DocNode> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p.currentTokenLocation());
                    String child = path.isEmpty() ? key : path + "." + key;
                    if (map.containsKey(key)) {
                        throw new PlanFileError(file, keyLine, child, "given twice");
                    }
                    p.nextToken();
                    map.put(key, read(p, file, child));
                }
                return new DocNode(file, line, path, Collections.unmodifiableMap(map));
            }
            case START_ARRAY -> {
                List<DocNode> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, file, path + "[" + list.size() + "]"));
                }
                return new DocNode(file, line, path, Collections.unmodifiableList(list));
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new DocNode(file, line, path, p.getNumberValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new DocNode(file, line, path, p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return new DocNode(file, line, path, null);
            }
            default -> {
                return new DocNode(file, line, path, p.getText());
            }
        }
    }

    String file() {
        return file;
    }

    int line() {
        return line;
    }

    String path() {
        return path;
    }

    /** An error about this value. */
    PlanFileError error(String problem) {
        return new PlanFileError(file, line, path, problem);
    }

    boolean isNull() {
        return value == null;
    }

    /** This value as a mapping whose keys must all be in {@code known} (null: any key). */
    @SuppressWarnings("unchecked")
    Map<String, DocNode> map(Set<String> known) {
        if (!(value instanceof Map)) {
            throw error("must be a mapping (got " + describe() + ")");
        }
        Map<String, DocNode> map = (Map<String, DocNode>) value;
        for (Map.Entry<String, DocNode> e : map.entrySet()) {
            if (known != null && !known.contains(e.getKey())) {
                throw e.getValue().error("unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        return map;
    }

    /** The child of a mapping, or null when absent or null. */
    @SuppressWarnings("unchecked")
    DocNode get(String key) {
        DocNode child = value instanceof Map ? ((Map<String, DocNode>) value).get(key) : null;
        return child == null || child.isNull() ? null : child;
    }

    /** The child of a mapping; an error at this mapping's line when missing. */
    DocNode require(String key) {
        DocNode child = get(key);
        if (child == null) {
            throw new PlanFileError(file, line, path.isEmpty() ? key : path + "." + key, "is required");
        }
        return child;
    }

    @SuppressWarnings("unchecked")
    List<DocNode> list() {
        if (!(value instanceof List)) {
            throw error("must be a list (got " + describe() + ")");
        }
        return (List<DocNode>) value;
    }

    String string() {
        if (value instanceof Map || value instanceof List || value == null) {
            throw error("must be a text value (got " + describe() + ")");
        }
        return value.toString();
    }

    /** A number; text such as {@code 3_000_000} or {@code 2.5e6} is accepted too. */
    double number() {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw error("must be a number (got " + describe() + ")");
    }

    double number(double min, double max) {
        double v = number();
        if (!(v >= min && v <= max)) {
            throw error("must be between " + trim(min) + " and " + trim(max) + " (got " + trim(v) + ")");
        }
        return v;
    }

    int integer(int min, int max) {
        double v = number(min, max);
        if (v != Math.rint(v)) {
            throw error("must be a whole number (got " + trim(v) + ")");
        }
        return (int) v;
    }

    /** A duration such as {@code 50ms}, {@code 5m} or {@code 8h}, greater than zero. */
    Duration duration() {
        Duration d;
        try {
            d = Durations.parse(path, string());
        } catch (PlanFileError e) {
            throw e;
        } catch (InvalidConfig e) {
            throw error("not a duration like 50ms, 2s, 5m or 8h (got " + describe() + ")");
        }
        if (d.isZero()) {
            throw error("must be longer than 0 (got " + describe() + ")");
        }
        return d;
    }

    /** A fraction written as {@code 5%} or {@code 0.05}, within [min, max]. */
    double fraction(double min, double max) {
        double v;
        if (value instanceof String s && s.trim().endsWith("%")) {
            try {
                v = Double.parseDouble(s.trim().substring(0, s.trim().length() - 1).trim()) / 100;
            } catch (NumberFormatException e) {
                throw error("must be a fraction like 5% or 0.05 (got " + describe() + ")");
            }
        } else if (value instanceof Number n) {
            v = n.doubleValue();
        } else {
            throw error("must be a fraction like 5% or 0.05 (got " + describe() + ")");
        }
        if (!(v >= min && v <= max)) {
            throw error("must be between " + trim(min * 100) + "% and " + trim(max * 100) + "% (got " + describe()
                    + ")");
        }
        return v;
    }

    private String describe() {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        return value.toString();
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
