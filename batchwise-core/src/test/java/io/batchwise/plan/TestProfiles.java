package io.batchwise.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Synthetic profiles shaped like the demo models measured on a 2-core machine. */
final class TestProfiles {
    private TestProfiles() {
    }

    /**
     * Like the demo scorer: t(n) = 1.6 ms + 0.15 ms x n, so ~570 rows/s one row per run and
     * ~6,150 rows/s at 128 rows, with a tail (p99 = 1.3 x p50).
     */
    static Profile scorerLike() {
        return linear("scorer", 1.6e-3, 0.15e-3, 128, 2);
    }

    static Profile linear(String model, double fixed, double perRow, int maxBatch, int threads) {
        List<Profile.Point> points = new ArrayList<>();
        for (int n : Profiler.batchSizes(maxBatch)) {
            double t = fixed + perRow * n;
            points.add(new Profile.Point(1, n, 50, n / (1.02 * t),
                    new Profile.Latency(0.95 * t, 1.02 * t, t, 1.1 * t, 1.3 * t, 1.5 * t)));
        }
        return new Profile(model, "measured", "cpu", threads, maxBatch, "cpu-on-demand", Map.of("cores", "2"), points);
    }
}
