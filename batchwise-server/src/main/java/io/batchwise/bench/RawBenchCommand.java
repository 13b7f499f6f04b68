package io.batchwise.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise bench raw}: the ceiling. Runs one model directly in ONNX Runtime (one
 * {@link ModelInstance}, no scheduler, no HTTP) at batch sizes 1, 2, 4 ... and prints rows/s and
 * run latency per size. Every later throughput number is measured against this one.
 *
 * <p>Per size: fixed random inputs are built first; warm-up runs (a tenth of the time, at least
 * three runs) are discarded; then runs repeat until the time per size is spent (at least five).
 * rows/s is the batch size over the median run time, so one slow outlier (a GC, a noisy
 * neighbour) does not move it; p99 shows the tail. A run includes what the scheduler pays too:
 * copying the rows into the instance's direct buffer and the outputs back out.
 */
@Command(name = "raw", mixinStandardHelpOptions = true,
        description = "Raw ONNX Runtime rows/s and run latency of one model at batch sizes 1, 2, 4 ... max "
                + "(no scheduler, no HTTP): the ceiling other numbers are measured against.")
public final class RawBenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "scorer", description = "Model to run (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--models", description = "Model repository (default: the demo models, generated into a "
            + "temporary directory and deleted afterwards).")
    Path models;

    @Option(names = "--max-batch", defaultValue = "128", description = "Largest batch size, in rows "
            + "(default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--seconds-per-size", defaultValue = "2", description = "Measured time per batch size "
            + "(default ${DEFAULT-VALUE}).")
    double secondsPerSize;

    @Option(names = "--threads", description = "intra_op_threads of the session (default: the model's config).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random inputs (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    /** One batch size's measurement. */
    record Result(int batch, double rowsPerSecond, double medianMillis, double p99Millis, int runs) {
    }

    @Override
    public Integer call() throws IOException {
        if (maxBatch < 1 || secondsPerSize <= 0 || (threads != null && threads < 1)) {
            System.err.println("--max-batch and --threads must be >= 1 and --seconds-per-size > 0");
            return 2;
        }
        Path repo = models;
        Path temporary = null;
        if (repo == null) {
            if (!DemoModels.NAMES.contains(model)) {
                System.err.println("model '" + model + "' is not a demo model (" + DemoModels.NAMES
                        + "); pass --models DIR");
                return 2;
            }
            temporary = Files.createTempDirectory("batchwise-bench");
            repo = temporary;
            writeDemo(repo, model);
        }
        try {
            return run(new ModelRepository(repo));
        } finally {
            if (temporary != null) {
                deleteRecursively(temporary);
            }
        }
    }

    private int run(ModelRepository repository) {
        ModelSource source = repository.read(model);
        if (!Files.isDirectory(source.dir()) || !source.loadable()) {
            System.err.println("model '" + model + "' cannot be loaded: "
                    + (source.configError() != null ? source.configError() : "no folder " + source.dir()));
            return 1;
        }
        ModelConfig c = source.config();
        ModelConfig config = threads == null ? c : c.withLayout(c.instances(), threads);
        List<Result> results = new ArrayList<>();
        ModelInstance opened;
        try {
            opened = OnnxRuntime.create().open(source.onnxFile(), config, 0);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        try (ModelInstance instance = opened) {
            List<TensorSpec> inputs = instance.signature().inputs();
            for (int n : sizes(maxBatch)) {
                results.add(measure(instance, randomInputs(inputs, n, new SplittableRandom(seed + n)), n));
            }
            PrintStream out = System.out;
            if (json) {
                out.println(toJson(config, inputs, results));
            } else {
                print(out, config, inputs, results);
            }
        }
        return 0;
    }

    private Result measure(ModelInstance instance, List<Tensor> inputs, int n) {
        List<List<Tensor>> batch = List.of(inputs);
        long budget = (long) (secondsPerSize * 1e9);
        long warmUpEnd = System.nanoTime() + budget / 10;
        for (int i = 0; i < 3 || System.nanoTime() < warmUpEnd; i++) {
            instance.runBatch(batch, Set.of());
        }
        List<Long> nanos = new ArrayList<>();
        long end = System.nanoTime() + budget;
        while (nanos.size() < 5 || System.nanoTime() < end) {
            long start = System.nanoTime();
            instance.runBatch(batch, Set.of());
            nanos.add(System.nanoTime() - start);
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double median = percentile(sorted, 0.5);
        return new Result(n, n / (median / 1e9), median / 1e6, percentile(sorted, 0.99) / 1e6, sorted.length);
    }

    /** Nearest-rank percentile of sorted values; the median of an even count averages the middle two. */
    static double percentile(long[] sorted, double q) {
        if (q == 0.5 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN when there are none. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** 1, 2, 4 ... up to max, and max itself when it is not a power of two. */
    static List<Integer> sizes(int max) {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n < max; n *= 2) {
            out.add(n);
        }
        out.add(max);
        return out;
    }

    /** Random inputs of {@code rows} rows; other dynamic dimensions are 1, integers are small (valid ids). */
    static List<Tensor> randomInputs(List<TensorSpec> specs, int rows, SplittableRandom random) {
        List<Tensor> out = new ArrayList<>();
        for (TensorSpec spec : specs) {
            long[] shape = spec.shape();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = i == 0 ? rows : 1;
                }
            }
            int count = Math.toIntExact(Tensor.elementCount(shape));
            DataType type = spec.type();
            ByteBuffer b;
            if (type == DataType.BYTES) {
                byte[] text = "benchmark text".getBytes(StandardCharsets.UTF_8);
                b = ByteBuffer.allocate(count * (4 + text.length)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    b.putInt(text.length).put(text);
                }
            } else {
                b = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    putRandom(b, type, random);
                }
            }
            b.flip();
            out.add(Tensor.of(spec.name(), type, shape, b));
        }
        return out;
    }

    private static void putRandom(ByteBuffer b, DataType type, SplittableRandom random) {
        switch (type) {
            case BOOL -> b.put((byte) (random.nextBoolean() ? 1 : 0));
            case UINT8, INT8 -> b.put((byte) random.nextInt(100));
            case INT16 -> b.putShort((short) random.nextInt(100));
            case INT32 -> b.putInt(random.nextInt(100));
            case INT64 -> b.putLong(random.nextInt(100));
            case FP16 -> b.putShort(TensorValues.floatToHalf((float) random.nextDouble(-1, 1)));
            case FP32 -> b.putFloat((float) random.nextDouble(-1, 1));
            case FP64 -> b.putDouble(random.nextDouble(-1, 1));
            default -> throw new IllegalArgumentException("no random values for " + type);
        }
    }

    private void print(PrintStream out, ModelConfig config, List<TensorSpec> inputs, List<Result> results) {
        out.printf(Locale.ROOT, "raw ONNX Runtime, model %s (%s), intra_op_threads %d, %s s per size, %d cores%n",
                model, describe(inputs), config.intraOpThreads(), trim(secondsPerSize),
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%6s %12s %11s %11s %7s%n", "batch", "rows/s", "median ms", "p99 ms", "runs");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%6d %12.0f %11.3f %11.3f %7d%n", r.batch(), r.rowsPerSecond(), r.medianMillis(),
                    r.p99Millis(), r.runs());
        }
        Result first = results.get(0);
        Result best = results.stream().max(Comparator.comparingDouble(Result::rowsPerSecond)).orElseThrow();
        out.printf(Locale.ROOT, "best: %.0f rows/s at batch %d, %.1fx batch 1%n", best.rowsPerSecond(), best.batch(),
                best.rowsPerSecond() / first.rowsPerSecond());
    }

    private String toJson(ModelConfig config, List<TensorSpec> inputs, List<Result> results) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode()
                .put("model", model)
                .put("inputs", describe(inputs))
                .put("intra_op_threads", config.intraOpThreads())
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("seconds_per_size", secondsPerSize);
        ArrayNode rows = root.putArray("results");
        for (Result r : results) {
            rows.addObject().put("batch", r.batch()).put("rows_per_s", Math.round(r.rowsPerSecond()))
                    .put("median_ms", round3(r.medianMillis())).put("p99_ms", round3(r.p99Millis()))
                    .put("runs", r.runs());
        }
        return root.toString();
    }

    private static String describe(List<TensorSpec> inputs) {
        return String.join(", ", inputs.stream()
                .map(s -> s.type() + " " + s.name() + Arrays.toString(s.shape())).toList());
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Writes the demo model {@code name} (scorer, embedder or tiny) under {@code dir}. */
    static void writeDemo(Path dir, String name) throws IOException {
        switch (name) {
            case "scorer" -> DemoModels.writeScorer(dir);
            case "embedder" -> DemoModels.writeEmbedder(dir);
            default -> DemoModels.writeTiny(dir);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
