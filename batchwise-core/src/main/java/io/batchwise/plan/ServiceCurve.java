package io.batchwise.plan;

import io.batchwise.schedule.Simulation;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The service time t(n) of a run of n rows on one instance, from a profile's points: a
 * distribution per measured size, interpolated linearly in n between sizes and extrapolated
 * beyond the largest along the last segment.
 *
 * <p>Each measured size's distribution is rebuilt from its quantiles as a piecewise-linear
 * inverse CDF through (0, min), (0.5, p50), (0.9, p90), (0.99, p99), (1, max); missing quantiles
 * collapse onto their neighbours, so a live profile (p90 only) gives a deterministic curve.
 * Sampling draws u ~ U(0, 1) and reads that inverse CDF, which keeps the tail the sweep saw.
 */
public final class ServiceCurve implements Simulation.ServiceTime {
    private static final double[] U = {0, 0.5, 0.9, 0.99, 1};

    private final int[] sizes;
    /** knots[i][k]: seconds at quantile U[k] for sizes[i]. */
    private final double[][] knots;
    private final double[] typical;

    private ServiceCurve(int[] sizes, double[][] knots, double[] typical) {
        this.sizes = sizes;
        this.knots = knots;
        this.typical = typical;
    }

    /** The curve of one instance count's points (see {@link Profile#pointsFor}). */
    public static ServiceCurve of(List<Profile.Point> points) {
        int n = points.size();
        int[] sizes = new int[n];
        double[][] knots = new double[n][];
        double[] typical = new double[n];
        for (int i = 0; i < n; i++) {
            Profile.Point p = points.get(i);
            Profile.Latency l = p.latency();
            sizes[i] = p.batchSize();
            double p90 = l.p90();
            double p50 = or(l.p50(), or(l.mean(), p90));
            double min = or(l.min(), p50);
            double p99 = or(l.p99(), p90);
            double max = or(l.max(), p99);
            double[] k = {min, p50, p90, p99, max};
            for (int j = 1; j < k.length; j++) {
                k[j] = Math.max(k[j], k[j - 1]);
            }
            knots[i] = k;
            typical[i] = l.typical();
        }
        return new ServiceCurve(sizes, knots, typical);
    }

    /** A curve with one fixed time per size (for closed forms and tests). */
    public static ServiceCurve deterministic(int[] sizes, double[] seconds) {
        double[][] knots = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            knots[i] = new double[] {seconds[i], seconds[i], seconds[i], seconds[i], seconds[i]};
        }
        return new ServiceCurve(sizes.clone(), knots, seconds.clone());
    }

    private static double or(double v, double dflt) {
        return Double.isNaN(v) ? dflt : v;
    }

    /** The typical (mean) seconds of a run of {@code rows} rows. */
    public double typicalSeconds(int rows) {
        return interpolate(rows, typical);
    }

    /** Seconds at quantile {@code u} of a run of {@code rows} rows. */
    public double quantileSeconds(int rows, double u) {
        double[] at = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            at[i] = inverseCdf(knots[i], u);
        }
        return interpolate(rows, at);
    }

    /** Rows per second of one instance running batches of {@code rows}. */
    public double rowsPerSecond(int rows) {
        return rows / typicalSeconds(rows);
    }

    /** The measured batch size with the highest rows per second. */
    public int bestBatchSize() {
        int best = 0;
        for (int i = 1; i < sizes.length; i++) {
            if (sizes[i] / typical[i] > sizes[best] / typical[best]) {
                best = i;
            }
        }
        return sizes[best];
    }

    /** The measured batch sizes, ascending. */
    public int[] sizes() {
        return sizes.clone();
    }

    @Override
    public long nanos(int rows, SplittableRandom random) {
        return Math.max(1, Math.round(quantileSeconds(rows, random.nextDouble()) * 1e9));
    }

    private static double inverseCdf(double[] k, double u) {
        for (int j = 1; j < U.length; j++) {
            if (u <= U[j]) {
                return k[j - 1] + (k[j] - k[j - 1]) * (u - U[j - 1]) / (U[j] - U[j - 1]);
            }
        }
        return k[k.length - 1];
    }

    private double interpolate(int rows, double[] values) {
        int n = sizes.length;
        if (n == 1) {
            return rows <= sizes[0] ? values[0] : values[0] * rows / sizes[0];
        }
        if (rows <= sizes[0]) {
            return values[0];
        }
        for (int i = 1; i < n; i++) {
            if (rows <= sizes[i]) {
                return values[i - 1] + (values[i] - values[i - 1]) * (rows - sizes[i - 1]) / (sizes[i] - sizes[i - 1]);
            }
        }
        double slope = Math.max(0, (values[n - 1] - values[n - 2]) / (sizes[n - 1] - sizes[n - 2]));
        return values[n - 1] + slope * (rows - sizes[n - 1]);
    }
}
