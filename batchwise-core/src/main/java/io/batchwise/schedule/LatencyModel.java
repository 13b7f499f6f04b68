package io.batchwise.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The learned service time t(n) of a run of n rows, tail-aware.
 *
 * <p>t(n) is a shape times a level. The shape says how run time grows with n: rows are grouped
 * into size classes (powers of two), each class keeps a ring of its most recent observations,
 * and its point is a low quantile (p25) of them at the class's mean size; t interpolates
 * linearly between classes, extrapolates from the last two and is made non-decreasing in n. The
 * level says how this machine is doing now: over the most recent runs of any size, the p90 of
 * observed / shape (the median while there are fewer than eight).
 *
 * <p>Why two parts: on a shared machine a run is slowed by whatever else runs beside it (the
 * HTTP threads, a compiler, another process), and large runs happen exactly when the server fell
 * behind, so a per-class tail over-states the sizes the scheduler rarely runs, and an estimate
 * that is never re-observed never heals: the scheduler stops forming such runs and keeps batches
 * small for good. A low quantile per class is what a run of that size costs when little gets in
 * its way, which a few starved runs do not move; the one level, learned from every run, adds the
 * tail that the recent runs showed, whatever their size. (A size not run for a while keeps the
 * p25 it had then; only the level follows the machine for it.) A quantile, rather than a mean, is
 * what keeps deadlines: a batch that usually takes 10 ms but sometimes 14 ms is planned at 14 ms.
 * The rings forget, so the model follows the machine.
 */
public final class LatencyModel {
    private static final int RING = 32;
    private static final double QUANTILE = 0.9;
    private static final double SHAPE_QUANTILE = 0.25;
    private static final int MIN_TAIL_SAMPLES = 8;
    /** Runs of other sizes after which a size class's last observation counts as stale. */
    static final int STALE_RUNS = 64;

    private final int maxRows;
    private final long[][] nanos;
    private final int[][] sizes;
    private final int[] count;
    private final int[] next;
    /** Per class, the value of {@link #runs} at its last observation (0: never observed). */
    private final long[] lastSeen;
    /** Runs observed so far, of any size. */
    private long runs;
    /** The most recent runs of any size, for the level. */
    private final long[] recentNanos = new long[RING];
    private final int[] recentRows = new int[RING];
    private int recentCount;
    private int recentNext;
    /** {@link #points()} as of the last observation; null once a new one arrives. */
    private List<double[]> cached;
    /** {@link #efficientSize()} as of the last observation; 0 once a new one arrives. */
    private int efficient;

    public LatencyModel(int maxRows) {
        this.maxRows = maxRows;
        int classes = classOf(maxRows) + 1;
        nanos = new long[classes][RING];
        sizes = new int[classes][RING];
        count = new int[classes];
        next = new int[classes];
        lastSeen = new long[classes];
    }

    private static int classOf(int n) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1);
    }

    /** Records that a run of {@code rows} rows took {@code durationNanos}. */
    public synchronized void observe(int rows, long durationNanos) {
        if (rows < 1 || durationNanos <= 0) {
            return;
        }
        int c = Math.min(classOf(rows), nanos.length - 1);
        nanos[c][next[c]] = durationNanos;
        sizes[c][next[c]] = rows;
        next[c] = (next[c] + 1) % RING;
        count[c] = Math.min(RING, count[c] + 1);
        lastSeen[c] = ++runs;
        recentNanos[recentNext] = durationNanos;
        recentRows[recentNext] = rows;
        recentNext = (recentNext + 1) % RING;
        recentCount = Math.min(RING, recentCount + 1);
        cached = null;
        efficient = 0;
    }

    /**
     * True when {@link #STALE_RUNS} or more runs have been observed since the last one in
     * {@code rows}'s size class (or there was none): its part of the curve may describe a machine that has since
     * changed (it was last run during a warm-up, or while the server was starved).
     */
    public synchronized boolean stale(int rows) {
        int c = Math.min(classOf(rows), nanos.length - 1);
        return lastSeen[c] == 0 || runs - lastSeen[c] >= STALE_RUNS;
    }

    /** True once any run has been observed. */
    public synchronized boolean trained() {
        return Arrays.stream(count).anyMatch(c -> c > 0);
    }

    /** Predicted (p90) duration of a run of {@code rows} rows, in nanoseconds; 0 when untrained. */
    public synchronized long predict(int rows) {
        return predict(points(), rows);
    }

    private static long predict(List<double[]> points, int rows) {
        if (points.isEmpty()) {
            return 0;
        }
        double n = Math.max(1, rows);
        double[] first = points.get(0);
        if (points.size() == 1) {
            return (long) (n <= first[0] ? first[1] : first[1] * n / first[0]);
        }
        if (n <= first[0]) {
            return (long) first[1];
        }
        for (int i = 1; i < points.size(); i++) {
            double[] a = points.get(i - 1);
            double[] b = points.get(i);
            if (n <= b[0]) {
                return (long) (a[1] + (b[1] - a[1]) * (n - a[0]) / (b[0] - a[0]));
            }
        }
        double[] a = points.get(points.size() - 2);
        double[] b = points.get(points.size() - 1);
        double slope = Math.max((b[1] - a[1]) / (b[0] - a[0]), b[1] / b[0] * 0.5);
        return (long) (b[1] + slope * (n - b[0]));
    }

    /**
     * The size a batch should grow to when rows keep arriving: the n in 1..max_batch_size with
     * the highest throughput n / t(n). Past it a larger run adds latency and no rows per second
     * (a model that spills its caches at large sizes gets slower per row). With an untrained or
     * still-rising curve it is max_batch_size.
     *
     * <p>Only size classes run within the last {@link #STALE_RUNS} runs count here. t(n) learns
     * a size only by running it, so a class last measured while the server was starved (a cold
     * JVM's first seconds, an overload) would otherwise look slow per row for good, hold every
     * later run below it and the throughput with it. Left out, it stops capping the batch; the
     * next run that reaches it measures it again, and if it really is slower per row the size
     * comes back down. Likewise a curve whose best fresh size is its largest is still rising: the
     * batch may grow to max_batch_size. {@link #predict} keeps the stale points: deadlines are
     * planned on the cautious estimate.
     */
    public synchronized int efficientSize() {
        if (efficient > 0) {
            return efficient;
        }
        List<double[]> fresh = shape(true);
        // Sizes past the largest fresh class are extrapolated, which cannot show them slower per
        // row: the curve is still rising there, so the batch may grow to the largest.
        int top = fresh.isEmpty() ? 0 : (int) Math.min(maxRows, fresh.get(fresh.size() - 1)[0]);
        int best = maxRows;
        double bestRate = 0;
        for (int n = 1; n <= top; n++) {
            double rate = n / (double) Math.max(1, predict(fresh, n));
            if (rate > bestRate) {
                bestRate = rate;
                best = n;
            }
        }
        efficient = best >= top ? maxRows : best;
        return efficient;
    }

    /** Largest row count (at most {@code maxRows}) whose predicted run fits in {@code nanos}; 0 if none. */
    public synchronized int largestWithin(long budgetNanos) {
        // t(n) is non-decreasing, so the sizes that fit are a prefix 1..best: binary search it.
        List<double[]> points = points();
        int lo = 0;
        int hi = maxRows;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (predict(points, mid) <= budgetNanos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** An independent copy holding the same observations. */
    synchronized LatencyModel copy() {
        LatencyModel c = new LatencyModel(maxRows);
        for (int i = 0; i < nanos.length; i++) {
            System.arraycopy(nanos[i], 0, c.nanos[i], 0, RING);
            System.arraycopy(sizes[i], 0, c.sizes[i], 0, RING);
        }
        System.arraycopy(count, 0, c.count, 0, count.length);
        System.arraycopy(next, 0, c.next, 0, next.length);
        System.arraycopy(lastSeen, 0, c.lastSeen, 0, lastSeen.length);
        c.runs = runs;
        System.arraycopy(recentNanos, 0, c.recentNanos, 0, RING);
        System.arraycopy(recentRows, 0, c.recentRows, 0, RING);
        c.recentCount = recentCount;
        c.recentNext = recentNext;
        return c;
    }

    /** (mean size, predicted nanos) per class with data, ascending and non-decreasing. */
    private List<double[]> points() {
        if (cached == null) {
            cached = computePoints();
        }
        return cached;
    }

    private List<double[]> computePoints() {
        List<double[]> shape = shape(false);
        if (shape.isEmpty()) {
            return shape;
        }
        double level = level(shape);
        for (double[] p : shape) {
            p[1] *= level;
        }
        return shape;
    }

    /**
     * (mean size, p25 nanos) per class with data, ascending and made non-decreasing; with
     * {@code freshOnly}, the classes that are not {@link #stale} only.
     */
    private List<double[]> shape(boolean freshOnly) {
        List<double[]> out = new ArrayList<>();
        double floor = 0;
        for (int c = 0; c < nanos.length; c++) {
            int k = count[c];
            if (k == 0 || freshOnly && runs - lastSeen[c] >= STALE_RUNS) {
                continue;
            }
            long[] v = Arrays.copyOf(nanos[c], k);
            Arrays.sort(v);
            double q = v[(int) (SHAPE_QUANTILE * (k - 1))];
            double meanSize = 0;
            for (int i = 0; i < k; i++) {
                meanSize += sizes[c][i];
            }
            meanSize /= k;
            floor = Math.max(floor, q);
            if (!out.isEmpty() && out.get(out.size() - 1)[0] >= meanSize) {
                out.get(out.size() - 1)[1] = Math.max(out.get(out.size() - 1)[1], floor);
            } else {
                out.add(new double[] {meanSize, floor});
            }
        }
        return out;
    }

    /** The p90 of observed / shape over the recent runs (their median while they are few). */
    private double level(List<double[]> shape) {
        int k = recentCount;
        double[] ratios = new double[k];
        for (int i = 0; i < k; i++) {
            ratios[i] = recentNanos[i] / (double) Math.max(1, predict(shape, recentRows[i]));
        }
        Arrays.sort(ratios);
        // A tail quantile needs samples: below MIN_TAIL_SAMPLES it would be the one slowest
        // run (a warm-up that met the JIT, say), so the median stands in until there are enough.
        return k < MIN_TAIL_SAMPLES ? ratios[(k - 1) / 2] : ratios[Math.min(k - 1, (int) Math.ceil(QUANTILE * k) - 1)];
    }

    /** Snapshot of (rows, p90 seconds) for every trained size class, for profiles and reports. */
    public synchronized List<double[]> curve() {
        List<double[]> out = new ArrayList<>();
        for (double[] p : points()) {
            out.add(new double[] {p[0], p[1] / 1e9});
        }
        return out;
    }
}
