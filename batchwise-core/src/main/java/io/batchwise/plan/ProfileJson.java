package io.batchwise.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profile file format, shared by {@code batchwise profile --out} and
 * {@code GET /v2/models/{m}/profile}:
 * <pre>{@code
 * {"model": "scorer", "source": "measured", "device": "cpu", "intra_op_threads": 2,
 *  "max_batch_size": 128, "pool": "cpu-on-demand", "machine": {"cores": "2", ...},
 *  "points": [{"instances": 1, "batch_size": 1, "runs": 50, "rows_per_second": 510.2,
 *              "latency_ms": {"min": 1.8, "mean": 1.96, "p50": 1.9, "p90": 2.2, "p99": 3.1, "max": 3.4}}]}
 * }</pre>
 * Reading checks every field and names file, line and field on error. Only {@code model},
 * {@code max_batch_size}, {@code points[].batch_size} and {@code points[].latency_ms.p90} are
 * required.
 */
public final class ProfileJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP = Set.of("model", "source", "device", "intra_op_threads", "max_batch_size",
            "pool", "machine", "points");
    private static final Set<String> POINT = Set.of("instances", "batch_size", "runs", "rows_per_second",
            "latency_ms");
    private static final Set<String> LATENCY = Set.of("min", "mean", "p50", "p90", "p99", "max");

    private ProfileJson() {
    }

    /** Reads and validates a profile file. @throws PlanFileError naming file, line and field */
    public static Profile read(Path file) {
        return parse(DocNode.read(file), null);
    }

    /** Reads a profile that must be of model {@code expected}. */
    public static Profile read(Path file, String expected) {
        return parse(DocNode.read(file), expected);
    }

    /** Parses profile text; {@code name} is used in errors. */
    public static Profile parse(String text, String name) {
        return parse(DocNode.parse(text, name, true), null);
    }

    private static Profile parse(DocNode root, String expected) {
        root.map(TOP);
        String model = root.require("model").string();
        if (expected != null && !expected.equals(model)) {
            throw root.require("model").error("is '" + model + "' but this file was read as the profile of '"
                    + expected + "'");
        }
        int maxBatch = root.require("max_batch_size").integer(1, 1 << 20);
        int threads = root.get("intra_op_threads") == null ? 1 : root.get("intra_op_threads").integer(1, 1024);
        Map<String, String> machine = new LinkedHashMap<>();
        DocNode m = root.get("machine");
        if (m != null) {
            for (Map.Entry<String, DocNode> e : m.map(null).entrySet()) {
                machine.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().string());
            }
        }
        List<Profile.Point> points = new ArrayList<>();
        DocNode list = root.require("points");
        for (DocNode p : list.list()) {
            points.add(point(p, maxBatch));
        }
        if (points.isEmpty()) {
            throw list.error("needs at least one point");
        }
        return new Profile(model, text(root, "source", "measured"), text(root, "device", "cpu"), threads, maxBatch,
                text(root, "pool", "cpu-on-demand"), machine, points);
    }

    private static Profile.Point point(DocNode p, int maxBatch) {
        p.map(POINT);
        int instances = p.get("instances") == null ? 1 : p.get("instances").integer(1, 4096);
        int size = p.require("batch_size").integer(1, maxBatch);
        int runs = p.get("runs") == null ? 0 : p.get("runs").integer(0, Integer.MAX_VALUE);
        DocNode lat = p.require("latency_ms");
        lat.map(LATENCY);
        double p90 = lat.require("p90").number(1e-6, 1e9) / 1e3;
        Profile.Latency latency = new Profile.Latency(ms(lat, "min"), ms(lat, "mean"), ms(lat, "p50"), p90,
                ms(lat, "p99"), ms(lat, "max"));
        double rps = p.get("rows_per_second") == null ? size / latency.typical()
                : p.get("rows_per_second").number(1e-9, 1e15);
        return new Profile.Point(instances, size, runs, rps, latency);
    }

    private static double ms(DocNode lat, String key) {
        DocNode v = lat.get(key);
        return v == null ? Double.NaN : v.number(0, 1e9) / 1e3;
    }

    private static String text(DocNode root, String key, String dflt) {
        DocNode v = root.get(key);
        return v == null ? dflt : v.string();
    }

    /** The profile as JSON text. */
    public static String write(Profile p) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", p.model()).put("source", p.source()).put("device", p.device())
                .put("intra_op_threads", p.intraOpThreads()).put("max_batch_size", p.maxBatchSize())
                .put("pool", p.pool());
        ObjectNode machine = root.putObject("machine");
        p.machine().forEach(machine::put);
        ArrayNode points = root.putArray("points");
        for (Profile.Point pt : p.points()) {
            ObjectNode n = points.addObject();
            n.put("instances", pt.instances()).put("batch_size", pt.batchSize()).put("runs", pt.runs())
                    .put("rows_per_second", round(pt.rowsPerSecond(), 1));
            ObjectNode lat = n.putObject("latency_ms");
            Profile.Latency l = pt.latency();
            putMs(lat, "min", l.min());
            putMs(lat, "mean", l.mean());
            putMs(lat, "p50", l.p50());
            putMs(lat, "p90", l.p90());
            putMs(lat, "p99", l.p99());
            putMs(lat, "max", l.max());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putMs(ObjectNode n, String key, double seconds) {
        if (!Double.isNaN(seconds)) {
            n.put(key, round(seconds * 1e3, 4));
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
