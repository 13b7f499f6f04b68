package io.batchwise.plan;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A model's measured performance on one machine: for each batch size (and instance count), the
 * rows per second and the latency of one run. Made by {@code batchwise profile} (a sweep with
 * ONNX Runtime) or served live by a running server from its scheduler's latency model.
 *
 * @param model          the model's name
 * @param source         {@code measured} (a sweep) or {@code live} (a server's latency model)
 * @param device         {@code cpu} or {@code cuda:N}
 * @param intraOpThreads threads per instance (the CPU slots an instance occupies)
 * @param maxBatchSize   most rows per run
 * @param pool           the price sheet pool the model's config names
 * @param machine        free-form facts about the machine (cores, os, created)
 * @param points         one per (instances, batch size), sorted
 */
public record Profile(String model, String source, String device, int intraOpThreads, int maxBatchSize, String pool,
                      Map<String, String> machine, List<Point> points) {
    public Profile {
        machine = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(machine));
        points = points.stream().sorted(Comparator.comparingInt(Point::instances).thenComparingInt(Point::batchSize))
                .toList();
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a profile needs at least one point");
        }
    }

    /**
     * One measured batch size.
     *
     * @param instances     instances running concurrently while measured
     * @param batchSize     rows per run
     * @param runs          runs measured (0 when unknown)
     * @param rowsPerSecond rows per second of one instance at this size
     * @param latency       run durations in seconds
     */
    public record Point(int instances, int batchSize, int runs, double rowsPerSecond, Latency latency) {
    }

    /**
     * Quantiles of one run's duration, in seconds. Only p90 is required (a live profile has just
     * that); missing ones are NaN.
     */
    public record Latency(double min, double mean, double p50, double p90, double p99, double max) {
        /** The typical run time: the mean, else p50, else p90. */
        public double typical() {
            return !Double.isNaN(mean) ? mean : !Double.isNaN(p50) ? p50 : p90;
        }
    }

    /**
     * A profile from a running scheduler's latency model: (mean rows, p90 seconds) per size
     * class, as {@code Scheduler.latencyCurve} gives it. Only p90 is known, so the service
     * curve it yields is deterministic.
     */
    public static Profile live(io.batchwise.model.ModelConfig config, int instances, List<double[]> curve,
                               Map<String, String> machine) {
        List<Point> points = new java.util.ArrayList<>();
        int last = 0;
        for (double[] c : curve) {
            int size = (int) Math.max(1, Math.min(config.maxBatchSize(), Math.round(c[0])));
            if (size <= last || !(c[1] > 0)) {
                continue;
            }
            last = size;
            points.add(new Point(instances, size, 0, size / c[1],
                    new Latency(Double.NaN, Double.NaN, Double.NaN, c[1], Double.NaN, Double.NaN)));
        }
        return new Profile(config.name(), "live", config.device().toString(), config.intraOpThreads(),
                config.maxBatchSize(), config.pool(), machine, points);
    }

    /** Whether the device is a GPU (an instance then occupies one slot of its pool). */
    public boolean gpu() {
        return device.startsWith("cuda");
    }

    /** Pool slots one instance occupies: one GPU, or its intra-op threads' cores. */
    public int slotsPerInstance() {
        return gpu() ? 1 : intraOpThreads;
    }

    /** The instance counts measured, ascending. */
    public List<Integer> instanceCounts() {
        return points.stream().map(Point::instances).distinct().sorted().toList();
    }

    /**
     * The points measured with the largest instance count not above {@code instances} (the
     * smallest one measured when all are above): per-instance speed under that much contention.
     */
    public List<Point> pointsFor(int instances) {
        List<Integer> counts = instanceCounts();
        int chosen = counts.get(0);
        for (int c : counts) {
            if (c <= instances) {
                chosen = c;
            }
        }
        int k = chosen;
        return points.stream().filter(p -> p.instances() == k).toList();
    }
}
