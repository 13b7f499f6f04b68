package io.batchwise.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** A Prometheus histogram with fixed upper bounds (cumulative buckets, sum and count). */
public final class Histogram {
    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    public Histogram(double... bounds) {
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    /** Latency buckets in seconds, 0.5 ms to 60 s. */
    public static Histogram seconds() {
        return new Histogram(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    }

    /** Row-count buckets, powers of two up to 1024. */
    public static Histogram rows() {
        return new Histogram(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024);
    }

    public void observe(double value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sum.add(value);
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    public double sum() {
        return sum.sum();
    }

    /** Writes {@code name_bucket}, {@code name_sum} and {@code name_count} samples for one label set. */
    public void writeTo(StringBuilder out, String name, String labels) {
        String inner = labels.length() > 2 ? labels.substring(1, labels.length() - 1) + "," : "";
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts.get(i);
            out.append(name).append("_bucket{").append(inner).append("le=\"").append(format(bounds[i])).append("\"} ")
                    .append(cumulative).append('\n');
        }
        cumulative += counts.get(bounds.length);
        out.append(name).append("_bucket{").append(inner).append("le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append(name).append("_sum").append(labels).append(' ').append(sum.sum()).append('\n');
        out.append(name).append("_count").append(labels).append(' ').append(cumulative).append('\n');
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
