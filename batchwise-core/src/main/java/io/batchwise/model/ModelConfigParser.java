package io.batchwise.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code config.yaml} into a {@link ModelConfig}. Unknown fields are rejected rather than
 * ignored, so a typo never silently falls back to a default.
 */
public final class ModelConfigParser {
    // A key given twice is an error, not "the last one wins".
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Set<String> TOP = Set.of("name", "max_batch_size", "instances", "intra_op_threads", "device",
            "latency_target", "batching", "queue", "pool", "tokenizer", "bulk_instances");
    private static final Set<String> BATCHING = Set.of("policy", "max_queue_delay", "preferred_batch_sizes",
            "deferred_threshold");
    private static final Set<String> QUEUE = Set.of("max_rows", "timeout_action");

    private ModelConfigParser() {
    }

    /** Reads and validates a config file; {@code folderName} is the name used when the file names none. */
    public static ModelConfig read(Path file, String folderName) {
        try {
            return parse(Files.readString(file), folderName);
        } catch (IOException e) {
            throw new InvalidConfig(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Parses and validates config text. */
    public static ModelConfig parse(String yaml, String folderName) {
        Object root;
        try {
            // readTree, unlike readValue, accepts a document of comments only (no content: defaults)
            JsonNode tree = YAML.readTree(yaml);
            boolean empty = tree == null || tree.isMissingNode() || tree.isNull()
                    || (tree.isTextual() && tree.asText().isEmpty()); // a bare "---"
            root = empty ? Map.of() : YAML.treeToValue(tree, Object.class);
        } catch (JacksonException e) {
            throw new InvalidConfig("config.yaml: not valid YAML (" + e.getOriginalMessage() + ")");
        }
        Map<String, Object> top = section(root, "config.yaml", TOP);
        ModelConfig d = ModelConfig.defaults(folderName);
        Map<String, Object> batching = section(top.getOrDefault("batching", Map.of()), "batching", BATCHING);
        Map<String, Object> queue = section(top.getOrDefault("queue", Map.of()), "queue", QUEUE);
        BatchingConfig db = d.batching();
        BatchingConfig b = new BatchingConfig(
                enumValue(batching.get("policy"), "batching.policy", BatchingConfig.Policy.class, db.policy()),
                duration(batching.get("max_queue_delay"), "batching.max_queue_delay", db.maxQueueDelay()),
                intList(batching.get("preferred_batch_sizes"), "batching.preferred_batch_sizes"),
                duration(batching.get("deferred_threshold"), "batching.deferred_threshold", db.deferredThreshold()));
        QueueConfig q = new QueueConfig(
                integer(queue.get("max_rows"), "queue.max_rows", d.queue().maxRows()),
                enumValue(queue.get("timeout_action"), "queue.timeout_action", QueueConfig.TimeoutAction.class,
                        d.queue().timeoutAction()));
        Object device = top.get("device");
        return new ModelConfig(
                string(top.get("name"), "name", folderName),
                integer(top.get("max_batch_size"), "max_batch_size", d.maxBatchSize()),
                integer(top.get("instances"), "instances", d.instances()),
                integer(top.get("intra_op_threads"), "intra_op_threads", d.intraOpThreads()),
                device == null ? d.device() : Device.parse(string(device, "device", null)),
                duration(top.get("latency_target"), "latency_target", d.latencyTarget()),
                b, q,
                string(top.get("pool"), "pool", d.pool()),
                string(top.get("tokenizer"), "tokenizer", null),
                bulkInstances(top.get("bulk_instances")));
    }

    private static int bulkInstances(Object v) {
        if (v == null || "auto".equals(v)) {
            return ModelConfig.AUTO;
        }
        if (!(v instanceof Integer n) || n < 0) {
            throw new InvalidConfig("bulk_instances: must be auto or an integer 0..256 (got " + v + ")");
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Object value, String field, Set<String> known) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map)) {
            throw new InvalidConfig(field + ": must be a mapping (got " + value + ")");
        }
        Map<String, Object> map = (Map<String, Object>) value;
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                String where = field.equals("config.yaml") ? key : field + "." + key;
                throw new InvalidConfig(where + ": unknown field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return map;
    }

    private static String string(Object v, String field, String dflt) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof Map || v instanceof List) {
            throw new InvalidConfig(field + ": must be a string (got " + v + ")");
        }
        return v.toString();
    }

    private static int integer(Object v, String field, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new InvalidConfig(field + ": must be an integer (got " + v + ")");
    }

    private static Duration duration(Object v, String field, Duration dflt) {
        return v == null ? dflt : Durations.parse(field, v);
    }

    private static List<Integer> intList(Object v, String field) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new InvalidConfig(field + ": must be a list of integers (got " + v + ")");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
            out.add(integer(o, field, 0));
        }
        return out;
    }

    private static <E extends Enum<E>> E enumValue(Object v, String field, Class<E> type, E dflt) {
        if (v == null) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, v.toString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw new InvalidConfig(field + ": must be one of " + String.join(", ", names) + " (got " + v + ")");
        }
    }
}
