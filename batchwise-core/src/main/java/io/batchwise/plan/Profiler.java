package io.batchwise.plan;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelSource;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Measures a model with ONNX Runtime on this machine: for each instance count, every batch
 * size 1, 2, 4 ... max_batch_size is run back to back on all instances at once (one thread per
 * instance, as the scheduler runs them), and each run's duration is recorded. Rows per second
 * is per instance: rows done by all instances / wall time / instances.
 */
public final class Profiler {
    /**
     * How long to measure.
     *
     * @param instanceCounts instance counts to sweep
     * @param warmUpRuns     unmeasured runs per size and instance first
     * @param minRuns        measured runs per size and instance, at least
     * @param minTime        measure each size at least this long
     * @param maxTime        and at most this long (after minRuns)
     */
    public record Options(List<Integer> instanceCounts, int warmUpRuns, int minRuns, Duration minTime,
                          Duration maxTime) {
        public Options {
            instanceCounts = List.copyOf(instanceCounts);
            if (instanceCounts.isEmpty() || instanceCounts.stream().anyMatch(k -> k < 1 || k > 256)) {
                throw new IllegalArgumentException("instance counts must be 1..256 (got " + instanceCounts + ")");
            }
            if (warmUpRuns < 0 || minRuns < 1) {
                throw new IllegalArgumentException("need warm-up runs >= 0 and runs >= 1");
            }
        }

        /** A sweep that takes a few seconds per instance count on a CPU. */
        public static Options defaults(List<Integer> instanceCounts) {
            return new Options(instanceCounts, 3, 30, Duration.ofMillis(300), Duration.ofSeconds(3));
        }
    }

    private final OnnxRuntime runtime;
    private final Consumer<String> progress;

    public Profiler(OnnxRuntime runtime, Consumer<String> progress) {
        this.runtime = runtime;
        this.progress = progress;
    }

    /** The batch sizes a sweep measures: powers of two up to max, and max itself. */
    public static List<Integer> batchSizes(int max) {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n < max; n *= 2) {
            out.add(n);
        }
        out.add(max);
        return out;
    }

    /** Profiles a model of a repository. */
    public Profile profile(ModelSource source, Options options) {
        if (!source.loadable()) {
            throw new InvalidInput("model '" + source.name() + "' cannot be loaded: " + source.configError());
        }
        ModelConfig config = source.config();
        List<Profile.Point> points = new ArrayList<>();
        for (int k : options.instanceCounts()) {
            List<ModelInstance> instances = new ArrayList<>();
            ExecutorService threads = Executors.newFixedThreadPool(k, r -> {
                Thread t = new Thread(r, "batchwise-profile");
                t.setDaemon(true);
                return t;
            });
            try {
                for (int i = 0; i < k; i++) {
                    instances.add(runtime.open(source.onnxFile(), config, i));
                }
                for (int size : batchSizes(config.maxBatchSize())) {
                    Profile.Point p = measure(instances, threads, size, options);
                    points.add(p);
                    progress.accept(String.format("  instances %d  batch %4d  %9.1f rows/s  p50 %7.2f ms  p99 %7.2f ms",
                            k, size, p.rowsPerSecond(), p.latency().p50() * 1e3, p.latency().p99() * 1e3));
                }
            } finally {
                threads.shutdownNow();
                instances.forEach(ModelInstance::close);
            }
        }
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        machine.put("created", Instant.now().toString());
        return new Profile(config.name(), "measured", config.device().toString(), config.intraOpThreads(),
                config.maxBatchSize(), config.pool(), machine, points);
    }

    private Profile.Point measure(List<ModelInstance> instances, ExecutorService threads, int size, Options o) {
        List<Tensor> inputs = randomInputs(instances.get(0).signature().inputs(), size, new SplittableRandom(size));
        List<Future<long[]>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (ModelInstance inst : instances) {
            futures.add(threads.submit(() -> runs(inst, inputs, o)));
        }
        List<Long> all = new ArrayList<>();
        long rows = 0;
        for (Future<long[]> f : futures) {
            long[] d;
            try {
                d = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("profiling interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("profiling run failed: " + e.getCause().getMessage(), e.getCause());
            }
            for (long v : d) {
                all.add(v);
            }
            rows += (long) d.length * size;
        }
        long wall = System.nanoTime() - start;
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e9;
        Profile.Latency latency = new Profile.Latency(sorted[0] / 1e9, mean, q(sorted, 0.5), q(sorted, 0.9),
                q(sorted, 0.99), sorted[sorted.length - 1] / 1e9);
        double perInstance = rows / (wall / 1e9) / instances.size();
        return new Profile.Point(instances.size(), size, sorted.length, perInstance, latency);
    }

    /** Warm-up, then runs until both the run count and the minimum time are reached (or the maximum time). */
    private static long[] runs(ModelInstance inst, List<Tensor> inputs, Options o) {
        List<List<Tensor>> batch = List.of(inputs);
        for (int i = 0; i < o.warmUpRuns(); i++) {
            inst.runBatch(batch, Set.of());
        }
        long[] d = new long[64];
        int n = 0;
        long begin = System.nanoTime();
        long minEnd = begin + o.minTime().toNanos();
        long maxEnd = begin + o.maxTime().toNanos();
        while (true) {
            long t0 = System.nanoTime();
            inst.runBatch(batch, Set.of());
            long t1 = System.nanoTime();
            if (n == d.length) {
                d = Arrays.copyOf(d, n * 2);
            }
            d[n++] = t1 - t0;
            if ((n >= o.minRuns() && t1 >= minEnd) || t1 >= maxEnd) {
                break;
            }
        }
        return Arrays.copyOf(d, n);
    }

    private static double q(long[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)] / 1e9;
    }

    /** Random data of a model's input shapes (-1 dimensions after the first become 1). */
    static List<Tensor> randomInputs(List<TensorSpec> specs, int rows, SplittableRandom random) {
        List<Tensor> out = new ArrayList<>();
        for (TensorSpec s : specs) {
            long[] shape = s.shape();
            shape[0] = rows;
            for (int i = 1; i < shape.length; i++) {
                shape[i] = shape[i] < 0 ? 1 : shape[i];
            }
            int n = Math.toIntExact(Tensor.elementCount(shape));
            if (s.type() == DataType.BYTES) {
                throw new InvalidInput("input '" + s.name() + "' is text (BYTES); profiling needs numeric inputs");
            }
            ByteBuffer b = ByteBuffer.allocate(n * s.type().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                switch (s.type()) {
                    case FP32 -> b.putFloat((float) random.nextDouble(-1, 1));
                    case FP64 -> b.putDouble(random.nextDouble(-1, 1));
                    case FP16 -> b.putShort((short) 0x3C00);
                    case INT64 -> b.putLong(random.nextInt(0, 64));
                    case INT32 -> b.putInt(random.nextInt(0, 64));
                    case INT16 -> b.putShort((short) random.nextInt(0, 64));
                    default -> b.put((byte) random.nextInt(0, 2));
                }
            }
            b.flip();
            out.add(Tensor.of(s.name(), s.type(), shape, b));
        }
        return out;
    }
}
