package io.batchwise.ledger;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.batchwise.model.InvalidConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses a price sheet ({@code --pricing FILE}):
 * <pre>
 * currency: USD                 # optional, default USD
 * idle_policy: interactive      # optional: interactive | proportional | separate
 * pools:
 *   cpu-on-demand:
 *     price_per_hour: 0.08925   # one machine, per hour
 *     category: on-demand       # on-demand | spot | reserved
 *     slots: 2                  # cores (or GPUs) of that machine
 * </pre>
 * Every error names the file and the field; unknown fields and duplicate keys are rejected so a
 * typo never falls back to a default silently.
 */
public final class PriceSheetParser {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Set<String> TOP = Set.of("currency", "idle_policy", "pools");
    private static final Set<String> POOL = Set.of("price_per_hour", "category", "slots", "description");

    private PriceSheetParser() {
    }

    /** Reads and validates a price sheet file. */
    public static PriceSheet read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidConfig(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    /** Parses and validates price sheet text; {@code source} prefixes every error message. */
    public static PriceSheet parse(String yaml, String source) {
        try {
            return parse(yaml);
        } catch (InvalidConfig e) {
            throw new InvalidConfig(source + ": " + e.getMessage());
        }
    }

    private static PriceSheet parse(String yaml) {
        Object root;
        try {
            root = yaml.isBlank() ? null : YAML.readValue(yaml, Object.class);
        } catch (JacksonException e) {
            throw new InvalidConfig("not valid YAML (" + e.getOriginalMessage() + ")");
        }
        if (root == null) {
            throw new InvalidConfig("pools: at least one pool is required (the file is empty)");
        }
        Map<String, Object> top = mapping(root, null, TOP);
        String currency = top.containsKey("currency") ? scalar(top.get("currency"), "currency") : "USD";
        IdlePolicy policy = IdlePolicy.INTERACTIVE;
        if (top.containsKey("idle_policy")) {
            String text = scalar(top.get("idle_policy"), "idle_policy");
            policy = IdlePolicy.fromLabel(text).orElseThrow(() -> new InvalidConfig(
                    "idle_policy: must be interactive, proportional or separate (got " + text + ")"));
        }
        Object poolsValue = top.get("pools");
        if (poolsValue == null) {
            throw new InvalidConfig("pools: is required (a mapping of pool name to price_per_hour, category, slots)");
        }
        Map<String, Object> pools = mapping(poolsValue, "pools", null);
        List<Pool> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : pools.entrySet()) {
            String name = e.getKey();
            String at = "pools." + name;
            Map<String, Object> fields = mapping(e.getValue(), at, POOL);
            out.add(new Pool(name,
                    number(required(fields, "price_per_hour", at), at + ".price_per_hour"),
                    PricingCategory.parse(at + ".category", scalar(required(fields, "category", at), at + ".category")),
                    integer(required(fields, "slots", at), at + ".slots")));
        }
        return PriceSheet.of(currency, policy, out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object value, String field, Set<String> known) {
        if (!(value instanceof Map)) {
            throw new InvalidConfig((field == null ? "the file" : field) + ": must be a mapping (got " + value + ")");
        }
        Map<String, Object> map = (Map<String, Object>) value;
        if (known != null) {
            for (String key : map.keySet()) {
                if (!known.contains(key)) {
                    throw new InvalidConfig((field == null ? key : field + "." + key) + ": unknown field (known: "
                            + String.join(", ", new TreeSet<>(known)) + ")");
                }
            }
        }
        return map;
    }

    private static Object required(Map<String, Object> fields, String name, String at) {
        Object v = fields.get(name);
        if (v == null) {
            throw new InvalidConfig(at + "." + name + ": is required");
        }
        return v;
    }

    private static String scalar(Object v, String field) {
        if (v == null || v instanceof Map || v instanceof List) {
            throw new InvalidConfig(field + ": must be a single value (got " + v + ")");
        }
        return v.toString();
    }

    private static double number(Object v, String field) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new InvalidConfig(field + ": must be a number (got " + v + ")");
    }

    private static int integer(Object v, String field) {
        if (v instanceof Integer i) {
            return i;
        }
        throw new InvalidConfig(field + ": must be an integer (got " + v + ")");
    }
}
