package io.batchwise.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ModelConfigParserTest {
    private static final String FULL = """
            name: scorer
            max_batch_size: 128
            instances: 2
            intra_op_threads: 3
            device: cuda:1
            latency_target: 250us
            pool: gpu-spot
            tokenizer: hashing
            batching:
              policy: window
              max_queue_delay: 1.5ms
              preferred_batch_sizes: [32, 64, 128]
              deferred_threshold: 2s
            queue:
              max_rows: 100
              timeout_action: delay
            """;

    @Test
    void parse_everyField_givesTheRecord() {
        ModelConfig expected = new ModelConfig("scorer", 128, 2, 3, new Device(Device.Kind.CUDA, 1),
                Duration.ofNanos(250_000),
                new BatchingConfig(BatchingConfig.Policy.WINDOW, Duration.ofNanos(1_500_000), List.of(32, 64, 128),
                        Duration.ofSeconds(2)),
                new QueueConfig(100, QueueConfig.TimeoutAction.DELAY), "gpu-spot", "hashing");
        assertEquals(expected, ModelConfigParser.parse(FULL, "scorer"));
    }

    @Test
    void parse_recordWrittenBackAsYaml_givesTheSameRecord() {
        ModelConfig first = ModelConfigParser.parse(FULL, "scorer");
        assertEquals(first, ModelConfigParser.parse(toYaml(first), "scorer"));
    }

    @Test
    void parse_emptyText_givesDefaultsNamedAfterTheFolder() {
        assertEquals(ModelConfig.defaults("m"), ModelConfigParser.parse("", "m"));
        assertEquals(ModelConfig.defaults("m"), ModelConfigParser.parse("# only a comment\n", "m"));
        assertEquals(ModelConfig.defaults("m"), ModelConfigParser.parse("---\n", "m"));
    }

    @Test
    void parse_partialConfig_fillsTheRestWithDefaults() {
        ModelConfig c = ModelConfigParser.parse("max_batch_size: 8\nbatching:\n  policy: none\n", "m");
        ModelConfig d = ModelConfig.defaults("m");
        assertEquals(8, c.maxBatchSize());
        assertEquals(BatchingConfig.Policy.NONE, c.batching().policy());
        assertEquals(d.batching().maxQueueDelay(), c.batching().maxQueueDelay());
        assertEquals(d.batching().deferredThreshold(), c.batching().deferredThreshold());
        assertEquals(d.queue(), c.queue());
        assertEquals(d.latencyTarget(), c.latencyTarget());
        assertEquals(Device.CPU, c.device());
        assertEquals(d.pool(), c.pool());
    }

    @Test
    void parse_enumsAndDevice_acceptTheirSpellings() {
        ModelConfig c = ModelConfigParser.parse("device: cuda\nbatching: {policy: SLO}\nqueue: {timeout_action: Reject}\n",
                "m");
        assertEquals(new Device(Device.Kind.CUDA, 0), c.device());
        assertEquals(BatchingConfig.Policy.SLO, c.batching().policy());
        assertEquals(QueueConfig.TimeoutAction.REJECT, c.queue().timeoutAction());
        assertEquals(Device.CPU, ModelConfigParser.parse("device: cpu", "m").device());
    }

    @Test
    void parse_zeroQueueDelay_isAllowed() {
        assertEquals(Duration.ZERO, ModelConfigParser.parse("batching: {max_queue_delay: 0ms}", "m")
                .batching().maxQueueDelay());
    }

    /** Each line: field named in the message, the offending value as the message shows it, the YAML. */
    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("name", "bad name", "name: bad name"),
                bad("name", "a/b", "name: a/b"),
                bad("name", "[x]", "name: [x]"),
                bad("max_batch_size", "0", "max_batch_size: 0"),
                bad("max_batch_size", "-4", "max_batch_size: -4"),
                bad("max_batch_size", "1.5", "max_batch_size: 1.5"),
                bad("max_batch_size", "lots", "max_batch_size: lots"),
                bad("max_batch_size", "true", "max_batch_size: true"),
                bad("max_batch_size", "10000000000", "max_batch_size: 10000000000"),
                bad("instances", "0", "instances: 0"),
                bad("instances", "257", "instances: 257"),
                bad("instances", "two", "instances: two"),
                bad("intra_op_threads", "0", "intra_op_threads: 0"),
                bad("intra_op_threads", "1025", "intra_op_threads: 1025"),
                bad("intra_op_threads", "[2]", "intra_op_threads: [2]"),
                bad("device", "gpu", "device: gpu"),
                bad("device", "cuda:x", "device: cuda:x"),
                bad("device", "cuda:-1", "device: cuda:-1"),
                bad("device", "CPU0", "device: CPU0"),
                bad("device", "{kind=cuda}", "device: {kind: cuda}"),
                bad("latency_target", "fast", "latency_target: fast"),
                bad("latency_target", "50", "latency_target: 50"),
                bad("latency_target", "0ms", "latency_target: 0ms"),
                bad("latency_target", "-5ms", "latency_target: -5ms"),
                bad("latency_target", "5 parsecs", "latency_target: 5 parsecs"),
                bad("batching", "5", "batching: 5"),
                bad("batching.policy", "fifo", "batching: {policy: fifo}"),
                bad("batching.policy", "3", "batching: {policy: 3}"),
                bad("batching.max_queue_delay", "soon", "batching: {max_queue_delay: soon}"),
                bad("batching.max_queue_delay", "-1ms", "batching: {max_queue_delay: -1ms}"),
                bad("batching.preferred_batch_sizes", "0", "batching: {preferred_batch_sizes: [16, 0]}"),
                bad("batching.preferred_batch_sizes", "-8", "batching: {preferred_batch_sizes: [-8]}"),
                bad("batching.preferred_batch_sizes", "32", "batching: {preferred_batch_sizes: 32}"),
                bad("batching.preferred_batch_sizes", "many", "batching: {preferred_batch_sizes: [many]}"),
                bad("batching.preferred_batch_sizes", "2.5", "batching: {preferred_batch_sizes: [2.5]}"),
                bad("batching.preferred_batch_sizes", "128",
                        "max_batch_size: 64\nbatching: {preferred_batch_sizes: [32, 128]}"),
                bad("batching.deferred_threshold", "0ms", "batching: {deferred_threshold: 0ms}"),
                bad("batching.deferred_threshold", "never", "batching: {deferred_threshold: never}"),
                bad("queue", "[1, 2]", "queue: [1, 2]"),
                bad("queue.max_rows", "0", "queue: {max_rows: 0}"),
                bad("queue.max_rows", "-1", "queue: {max_rows: -1}"),
                bad("queue.max_rows", "unbounded", "queue: {max_rows: unbounded}"),
                bad("queue.timeout_action", "drop", "queue: {timeout_action: drop}"),
                bad("queue.timeout_action", "[reject]", "queue: {timeout_action: [reject]}"),
                bad("pool", "\"\"", "pool: \"\""),
                bad("pool", "[a, b]", "pool: [a, b]"),
                bad("tokenizer", "bpe", "tokenizer: bpe"),
                bad("tokenizer", "{kind=hashing}", "tokenizer: {kind: hashing}"),
                bad("max_batch", "unknown field", "max_batch: 4"),
                bad("batching.window", "unknown field", "batching: {window: 5ms}"),
                bad("queue.max_size", "unknown field", "queue: {max_size: 5}"),
                bad("max_batch_size", "Duplicate field", "max_batch_size: 4\nmax_batch_size: 8"),
                bad("config.yaml", "not valid YAML", "name: [unclosed"),
                bad("config.yaml", "not valid YAML", "a: b\n  c: d: e"),
                bad("config.yaml", "[a, b]", "- a\n- b"),
                bad("config.yaml", "hello", "hello"));
    }

    private static Arguments bad(String field, String value, String yaml) {
        return Arguments.of(field, value, yaml);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("invalid")
    void parse_invalidValue_throwsNamingFieldAndValue(String field, String value, String yaml) {
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> ModelConfigParser.parse(yaml, "m"));
        String message = e.getMessage();
        assertTrue(message.startsWith(field + ":") || message.contains(" " + field + ":")
                        || message.contains("'" + field + "'"),
                () -> "message should name field " + field + ": " + message);
        String shown = value.equals("\"\"") ? "(got )" : value;
        assertTrue(message.contains(shown), () -> "message should show value " + shown + ": " + message);
    }

    private static String toYaml(ModelConfig c) {
        StringBuilder y = new StringBuilder()
                .append("name: ").append(c.name()).append('\n')
                .append("max_batch_size: ").append(c.maxBatchSize()).append('\n')
                .append("instances: ").append(c.instances()).append('\n')
                .append("intra_op_threads: ").append(c.intraOpThreads()).append('\n')
                .append("device: ").append(c.device()).append('\n')
                .append("latency_target: ").append(Durations.format(c.latencyTarget())).append('\n')
                .append("pool: ").append(c.pool()).append('\n');
        if (c.tokenizer() != null) {
            y.append("tokenizer: ").append(c.tokenizer()).append('\n');
        }
        BatchingConfig b = c.batching();
        y.append("batching:\n")
                .append("  policy: ").append(b.policy().name().toLowerCase()).append('\n')
                .append("  max_queue_delay: ").append(Durations.format(b.maxQueueDelay())).append('\n')
                .append("  preferred_batch_sizes: ").append(b.preferredBatchSizes()).append('\n')
                .append("  deferred_threshold: ").append(Durations.format(b.deferredThreshold())).append('\n')
                .append("queue:\n")
                .append("  max_rows: ").append(c.queue().maxRows()).append('\n')
                .append("  timeout_action: ").append(c.queue().timeoutAction().name().toLowerCase()).append('\n');
        return y.toString();
    }
}
