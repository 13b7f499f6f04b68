package io.batchwise.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServiceCurveTest {
    private final ServiceCurve curve = ServiceCurve.of(TestProfiles.scorerLike().pointsFor(1));

    @Test
    void typicalSeconds_betweenSizes_interpolatesLinearly() {
        // t(n) = 1.6 ms + 0.15 ms n, mean = 1.02 t
        assertEquals(1.02 * (1.6e-3 + 0.15e-3 * 48), curve.typicalSeconds(48), 1e-9);
        assertEquals(1.02 * (1.6e-3 + 0.15e-3 * 256), curve.typicalSeconds(256), 1e-9);
    }

    @Test
    void bestBatchSize_isTheLargestForAnAmortisedFixedCost() {
        assertEquals(128, curve.bestBatchSize());
        assertTrue(curve.rowsPerSecond(128) > 10 * curve.rowsPerSecond(1));
    }

    @Test
    void nanos_samples_reproduceTheProfileQuantiles() {
        SplittableRandom random = new SplittableRandom(1);
        long[] v = new long[200_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = curve.nanos(64, random);
        }
        Arrays.sort(v);
        double t = 1.6e-3 + 0.15e-3 * 64;
        assertEquals(t, v[v.length / 2] / 1e9, t * 0.01);
        assertEquals(1.1 * t, v[(int) (v.length * 0.9)] / 1e9, t * 0.01);
        assertEquals(1.3 * t, v[(int) (v.length * 0.99)] / 1e9, t * 0.02);
        assertTrue(v[0] >= 0.95 * t * 1e9 - 1 && v[v.length - 1] <= 1.5 * t * 1e9 + 1);
    }
}
