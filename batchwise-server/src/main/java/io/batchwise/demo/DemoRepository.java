package io.batchwise.demo;

import io.batchwise.onnx.DemoModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo's model repository: the scorer under one name per deployment, so that the ledger
 * keeps each mode's capacity on its own account.
 *
 * <ul>
 *   <li>{@code scorer-realtime}: {@code policy: none}, one request per run.</li>
 *   <li>{@code scorer}: the demo scorer as shipped ({@code policy: slo}); micro-batch,
 *       near-real-time and batch-alongside-live all run here, one after another.</li>
 *   <li>{@code scorer-batch}: a batch deployment with a 10 s latency target, its capacity on an
 *       account of its own. On CPU bulk rows run on the model's bulk lane at the max batch
 *       either way; without a lane ({@code bulk_instances: 0}, or CUDA) the scheduler sizes
 *       bulk-only runs to half the tightest live budget, so on a deployment with a 50 ms target
 *       bulk runs stay small, and a machine that serves only batch work has no such budget.</li>
 * </ul>
 * The model file is hard-linked from {@code DATA/models/scorer} (generated with the other demo
 * models when missing), so the three deployments cost no extra disk; only the configs differ.
 */
final class DemoRepository {
    static final String REAL_TIME = "scorer-realtime";
    static final String LIVE = "scorer";
    static final String BATCH = "scorer-batch";

    private DemoRepository() {
    }

    /** Writes (or refreshes) {@code DATA/demo/models} and returns it. */
    static Path prepare(Path data) throws IOException {
        Path source = data.resolve("models");
        Path scorer = source.resolve("scorer");
        if (!Files.isDirectory(source) || isEmpty(source)) {
            Files.createDirectories(source);
            DemoModels.write(source); // what `serve` would generate, so it finds a complete repository later
        } else if (!Files.isRegularFile(scorer.resolve("1").resolve("model.onnx"))) {
            DemoModels.writeScorer(source);
        }
        Path onnx = scorer.resolve("1").resolve("model.onnx");
        String config = Files.isRegularFile(scorer.resolve("config.yaml"))
                ? Files.readString(scorer.resolve("config.yaml"), StandardCharsets.UTF_8) : "";
        Path repo = data.resolve("demo").resolve("models");
        deploy(repo, REAL_TIME, onnx, policy(set(config, "name", REAL_TIME), "none"));
        deploy(repo, LIVE, onnx, policy(set(config, "name", LIVE), "slo"));
        deploy(repo, BATCH, onnx, set(policy(set(config, "name", BATCH), "slo"), "latency_target", "10s"));
        return repo;
    }

    private static void deploy(Path repo, String name, Path onnx, String config) throws IOException {
        Path dir = repo.resolve(name);
        Path version = dir.resolve("1");
        Files.createDirectories(version);
        Path target = version.resolve("model.onnx");
        if (!Files.exists(target) || !Files.isSameFile(target, onnx)) {
            Path tmp = version.resolve("model.onnx.tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createLink(tmp, onnx);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(onnx, tmp); // another file system: a copy is the only way
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.writeString(dir.resolve("config.yaml"), config, StandardCharsets.UTF_8);
    }

    /** Sets a top-level key of a config, keeping its comment; adds the key when absent. */
    static String set(String yaml, String key, String value) {
        String out = replace(yaml, "", key, value);
        return out != null ? out : yaml + (yaml.isEmpty() || yaml.endsWith("\n") ? "" : "\n") + key + ": " + value + "\n";
    }

    /** Sets {@code batching.policy}, keeping its comment; adds it (and the block) when absent. */
    static String policy(String yaml, String value) {
        String out = replace(yaml, "[ \\t]+", "policy", value);
        if (out != null) {
            return out;
        }
        Matcher block = Pattern.compile("(?m)^batching:[ \\t]*(#.*)?$").matcher(yaml);
        if (block.find()) {
            return yaml.substring(0, block.end()) + "\n  policy: " + value + yaml.substring(block.end());
        }
        return yaml + (yaml.isEmpty() || yaml.endsWith("\n") ? "" : "\n") + "batching:\n  policy: " + value + "\n";
    }

    private static String replace(String yaml, String indent, String key, String value) {
        Matcher m = Pattern.compile("(?m)^(" + indent + Pattern.quote(key) + ":)[ \\t]*[^#\\n]*?([ \\t]*#.*)?$")
                .matcher(yaml);
        if (!m.find()) {
            return null;
        }
        String comment = m.group(2) == null ? "" : m.group(2);
        return yaml.substring(0, m.start()) + m.group(1) + " " + value + comment + yaml.substring(m.end());
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
