package io.batchwise.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Imports a Triton Inference Server {@code config.pbtxt} as a {@link ModelConfig}, so a Triton
 * model repository is served unchanged. What batchwise does not support is returned in
 * {@link Result#unsupported()} (the repository logs it as a warning), never silently dropped.
 *
 * <p>Mapping, field by field:
 * <ul>
 *   <li>{@code name} → name (must match the folder, as in Triton).
 *   <li>{@code platform: "onnxruntime_onnx"} and {@code backend: "onnxruntime"} are what batchwise
 *       serves; any other value is listed.
 *   <li>{@code max_batch_size: N} → {@code max_batch_size: N}. {@code 0} (the model does not
 *       batch) → {@code policy: none}: every request runs alone.
 *   <li>{@code instance_group} → {@code instances}: the sum of the groups' {@code count}
 *       (default 1), times the number of {@code gpus} listed for a {@code KIND_GPU} group, as
 *       Triton counts them. {@code KIND_GPU} → {@code device: cuda:G} with G the first listed
 *       GPU (0 if none); {@code KIND_CPU} and {@code KIND_AUTO} → {@code cpu}. batchwise puts every
 *       instance on one device, so several GPUs, or groups on different devices, are listed.
 *   <li>{@code dynamic_batching} present → {@code policy: window} (Triton's dynamic batcher)
 *       with {@code max_queue_delay_microseconds} → {@code max_queue_delay} and
 *       {@code preferred_batch_size} → {@code preferred_batch_sizes}. Absent → {@code policy:
 *       none}, as Triton's default scheduler runs each request alone.
 *   <li>{@code dynamic_batching.default_queue_policy}: {@code default_timeout_microseconds} →
 *       {@code latency_target} (the budget of a request that names none);
 *       {@code timeout_action} (REJECT, DELAY) → {@code queue.timeout_action}, defaulting to
 *       REJECT when a default timeout is set and to DELAY when not (without a timeout Triton
 *       never drops a request for lateness); {@code max_queue_size} → {@code queue.max_rows}
 *       (batchwise counts queued rows, Triton requests: the same for one-row requests);
 *       {@code allow_timeout_override: false} is listed, since batchwise always honours a
 *       request's {@code parameters.timeout}.
 *   <li>{@code parameters { key: "intra_op_thread_count" ... }} (the ONNX Runtime backend's
 *       setting) → {@code intra_op_threads}.
 *   <li>{@code input} and {@code output} are listed as unused: batchwise reads the signature
 *       from {@code model.onnx}. Every other field (optimization, sequence_batching,
 *       model_warmup, version_policy, ...) is listed as unsupported.
 * </ul>
 */
public final class TritonConfigImport {
    private static final String FILE = "config.pbtxt";

    /** The imported config and the fields (with a short reason where useful) it did not use. */
    public record Result(ModelConfig config, List<String> unsupported) {
        public Result {
            unsupported = List.copyOf(unsupported);
        }
    }

    private TritonConfigImport() {
    }

    /** Reads and maps a {@code config.pbtxt}; {@code folderName} is the name used when the file names none. */
    public static Result read(Path file, String folderName) {
        try {
            return parse(Files.readString(file), folderName);
        } catch (IOException e) {
            throw new InvalidConfig(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * Parses and maps config text.
     *
     * @throws InvalidConfig on a syntax error or a value batchwise cannot accept (naming the field)
     */
    public static Result parse(String text, String folderName) {
        TextFormat.Message root = TextFormat.parse(text, FILE);
        Set<String> unsupported = new LinkedHashSet<>();
        ModelConfig d = ModelConfig.defaults(folderName);
        for (String field : root.names()) {
            switch (field) {
                case "name", "max_batch_size", "instance_group", "dynamic_batching" -> {
                    // mapped below
                }
                case "platform" -> {
                    String platform = string(single(root, field), field);
                    if (!platform.equals("onnxruntime_onnx")) {
                        unsupported.add("platform: " + platform + " (batchwise serves model.onnx with ONNX Runtime)");
                    }
                }
                case "backend" -> {
                    String backend = string(single(root, field), field);
                    if (!backend.equals("onnxruntime")) {
                        unsupported.add("backend: " + backend + " (batchwise serves model.onnx with ONNX Runtime)");
                    }
                }
                case "default_model_filename" -> {
                    String file = string(single(root, field), field);
                    if (!file.equals("model.onnx")) {
                        unsupported.add("default_model_filename: " + file + " (batchwise loads model.onnx)");
                    }
                }
                case "input", "output" -> unsupported.add(field + " (batchwise reads inputs and outputs from model.onnx)");
                case "parameters" -> {
                    // intra_op_thread_count is read below; other keys are listed there
                }
                default -> unsupported.add(field);
            }
        }
        String name = root.has("name") ? string(single(root, "name"), "name") : folderName;
        int maxBatch = (int) integer(root.has("max_batch_size") ? single(root, "max_batch_size") : null,
                "max_batch_size", 0, Integer.MAX_VALUE, 0);
        Instances instances = instances(root, unsupported, d);
        int threads = intraOpThreads(root, unsupported, d.intraOpThreads());

        BatchingConfig.Policy policy = BatchingConfig.Policy.NONE;
        Duration delay = Duration.ZERO;
        List<Integer> preferred = List.of();
        Duration latency = d.latencyTarget();
        long timeoutMicros = 0;
        QueueConfig.TimeoutAction action = null;
        int maxRows = d.queue().maxRows();
        if (root.has("dynamic_batching")) {
            if (maxBatch == 0) {
                throw new InvalidConfig(FILE + ": dynamic_batching: needs max_batch_size > 0 (got 0)");
            }
            policy = BatchingConfig.Policy.WINDOW;
            TextFormat.Message db = message(single(root, "dynamic_batching"), "dynamic_batching");
            for (String field : db.names()) {
                String path = "dynamic_batching." + field;
                switch (field) {
                    case "max_queue_delay_microseconds" ->
                            delay = Duration.ofNanos(Math.multiplyExact(
                                    integer(single(db, field), path, 0, Long.MAX_VALUE / 1000, 0), 1000L));
                    case "preferred_batch_size" -> {
                        List<Integer> sizes = new ArrayList<>();
                        for (Object v : db.all(field)) {
                            sizes.add((int) integer(v, path, 1, Integer.MAX_VALUE, 0));
                        }
                        preferred = sizes;
                    }
                    case "default_queue_policy" -> {
                        TextFormat.Message q = message(single(db, field), path);
                        for (String qf : q.names()) {
                            String qpath = path + "." + qf;
                            switch (qf) {
                                case "timeout_action" -> action = timeoutAction(single(q, qf), qpath);
                                case "default_timeout_microseconds" ->
                                        timeoutMicros = integer(single(q, qf), qpath, 0, 365L * 86_400_000_000L, 0);
                                case "max_queue_size" -> {
                                    long size = integer(single(q, qf), qpath, 0, Integer.MAX_VALUE, 0);
                                    if (size > 0) {
                                        maxRows = (int) size;
                                    }
                                }
                                case "allow_timeout_override" -> {
                                    if (!bool(single(q, qf), qpath)) {
                                        unsupported.add(qpath + ": false (batchwise always honours a request's "
                                                + "parameters.timeout)");
                                    }
                                }
                                default -> unsupported.add(qpath);
                            }
                        }
                    }
                    default -> unsupported.add(path);
                }
            }
        }
        if (timeoutMicros > 0) {
            latency = Duration.ofNanos(timeoutMicros * 1000);
        }
        if (action == null) {
            action = timeoutMicros > 0 ? QueueConfig.TimeoutAction.REJECT : QueueConfig.TimeoutAction.DELAY;
        }
        try {
            BatchingConfig batching = new BatchingConfig(policy, delay, preferred, d.batching().deferredThreshold());
            ModelConfig config = new ModelConfig(name, maxBatch == 0 ? d.maxBatchSize() : maxBatch, instances.count,
                    threads, instances.device, latency, batching, new QueueConfig(maxRows, action), d.pool(), null);
            return new Result(config, new ArrayList<>(unsupported));
        } catch (InvalidConfig e) {
            throw new InvalidConfig(FILE + " (as batchwise config) " + e.getMessage());
        }
    }

    private record Instances(int count, Device device) {
    }

    private static Instances instances(TextFormat.Message root, Set<String> unsupported, ModelConfig d) {
        List<Object> groups = root.all("instance_group");
        if (groups.isEmpty()) {
            return new Instances(d.instances(), d.device());
        }
        long total = 0;
        Device device = null;
        for (Object g : groups) {
            TextFormat.Message group = message(g, "instance_group");
            long count = 1;
            String kind = "KIND_AUTO";
            List<Long> gpus = new ArrayList<>();
            for (String field : group.names()) {
                String path = "instance_group." + field;
                switch (field) {
                    case "name" -> {
                        // a label only
                    }
                    case "count" -> count = integer(single(group, field), path, 1, 256, 0);
                    case "kind" -> kind = identifier(single(group, field), path);
                    case "gpus" -> {
                        for (Object v : group.all(field)) {
                            gpus.add(integer(v, path, 0, Integer.MAX_VALUE, 0));
                        }
                    }
                    default -> unsupported.add(path);
                }
            }
            Device here;
            switch (kind) {
                case "KIND_GPU" -> {
                    here = new Device(Device.Kind.CUDA, gpus.isEmpty() ? 0 : gpus.get(0).intValue());
                    if (gpus.isEmpty()) {
                        unsupported.add("instance_group.gpus unset (Triton places count instances on every GPU; "
                                + "batchwise places them on cuda:0)");
                    } else if (gpus.size() > 1) {
                        unsupported.add("instance_group.gpus " + gpus + " (batchwise places every instance on "
                                + here + ")");
                    }
                    count *= Math.max(1, gpus.size());
                }
                case "KIND_CPU", "KIND_AUTO" -> here = Device.CPU;
                case "KIND_MODEL" -> {
                    here = Device.CPU;
                    unsupported.add("instance_group.kind: KIND_MODEL (served on cpu)");
                }
                default -> throw new InvalidConfig(FILE + ": instance_group.kind: must be KIND_AUTO, KIND_CPU, "
                        + "KIND_GPU or KIND_MODEL (got " + kind + ")");
            }
            if (device == null) {
                device = here;
            } else if (!device.equals(here)) {
                unsupported.add("instance_group on " + here + " (batchwise places every instance on " + device + ")");
            }
            total += count;
        }
        if (total > 256) {
            throw new InvalidConfig(FILE + ": instance_group: at most 256 instances in all (got " + total + ")");
        }
        return new Instances((int) total, device);
    }

    /** The ONNX Runtime backend's {@code intra_op_thread_count} parameter; other keys are listed. */
    private static int intraOpThreads(TextFormat.Message root, Set<String> unsupported, int dflt) {
        int threads = dflt;
        for (Object p : root.all("parameters")) {
            TextFormat.Message entry = message(p, "parameters");
            String key = entry.has("key") ? string(single(entry, "key"), "parameters.key") : "";
            if (!key.equals("intra_op_thread_count")) {
                unsupported.add("parameters." + key);
                continue;
            }
            String path = "parameters.intra_op_thread_count";
            TextFormat.Message value = entry.has("value") ? message(single(entry, "value"), path) : null;
            if (value == null || !value.has("string_value")) {
                throw new InvalidConfig(FILE + ": " + path + ": needs value { string_value: \"N\" }");
            }
            String text = string(single(value, "string_value"), path);
            threads = (int) integer(new TextFormat.Scalar(text, false, 0), path, 1, 1024, 0);
        }
        return threads;
    }

    private static Object single(TextFormat.Message m, String field) {
        List<Object> values = m.all(field);
        if (values.size() > 1) {
            throw new InvalidConfig(FILE + ": " + field + ": given " + values.size() + " times but is not repeated");
        }
        return values.get(0);
    }

    private static TextFormat.Message message(Object v, String field) {
        if (v instanceof TextFormat.Message m) {
            return m;
        }
        throw new InvalidConfig(FILE + ": " + field + ": must be a message { ... } (got " + v + ")");
    }

    private static TextFormat.Scalar scalar(Object v, String field) {
        if (v instanceof TextFormat.Scalar s) {
            return s;
        }
        throw new InvalidConfig(FILE + ": " + field + ": must be a value, not a message");
    }

    private static String string(Object v, String field) {
        TextFormat.Scalar s = scalar(v, field);
        if (!s.quoted()) {
            throw new InvalidConfig(FILE + ": " + field + ": must be a quoted string (got " + s + ")");
        }
        return s.text();
    }

    private static String identifier(Object v, String field) {
        TextFormat.Scalar s = scalar(v, field);
        if (s.quoted()) {
            throw new InvalidConfig(FILE + ": " + field + ": must be an enum name, not a string (got " + s + ")");
        }
        return s.text();
    }

    private static boolean bool(Object v, String field) {
        String t = identifier(v, field);
        return switch (t) {
            case "true", "True", "t", "1" -> true;
            case "false", "False", "f", "0" -> false;
            default -> throw new InvalidConfig(FILE + ": " + field + ": must be true or false (got " + t + ")");
        };
    }

    private static QueueConfig.TimeoutAction timeoutAction(Object v, String field) {
        String t = identifier(v, field);
        return switch (t) {
            case "REJECT" -> QueueConfig.TimeoutAction.REJECT;
            case "DELAY" -> QueueConfig.TimeoutAction.DELAY;
            default -> throw new InvalidConfig(FILE + ": " + field + ": must be REJECT or DELAY (got " + t + ")");
        };
    }

    private static long integer(Object v, String field, long min, long max, long dflt) {
        if (v == null) {
            return dflt;
        }
        TextFormat.Scalar s = scalar(v, field);
        long n;
        try {
            String t = s.text();
            if (s.quoted()) {
                throw new NumberFormatException();
            }
            boolean negative = t.startsWith("-");
            String digits = t.replaceFirst("^[-+]", "");
            n = digits.startsWith("0x") || digits.startsWith("0X") ? Long.parseLong(digits.substring(2), 16)
                    : Long.parseLong(digits);
            n = negative ? -n : n;
        } catch (NumberFormatException e) {
            throw new InvalidConfig(FILE + ": " + field + ": must be an integer (got " + s + ")");
        }
        if (n < min || n > max) {
            throw new InvalidConfig(FILE + ": " + field + ": must be " + min + ".." + max + " (got " + n + ")");
        }
        return n;
    }
}
