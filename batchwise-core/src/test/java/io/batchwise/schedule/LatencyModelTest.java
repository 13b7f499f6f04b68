package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyModelTest {
    private final LatencyModel model = new LatencyModel(128);

    @Test
    void predict_untrained_isZero() {
        assertFalse(model.trained());
        assertEquals(0, model.predict(16));
    }

    @Test
    void predict_betweenObservedSizes_interpolatesLinearly() {
        model.observe(8, 10 * MS);
        model.observe(16, 18 * MS);

        assertEquals(14 * MS, model.predict(12));
    }

    @Test
    void predict_whenALargerBatchWasObservedFaster_isNonDecreasing() {
        model.observe(1, 3 * MS);
        model.observe(16, 20 * MS);
        model.observe(32, 15 * MS);
        model.observe(128, 40 * MS);

        long previous = 0;
        for (int n = 1; n <= 200; n++) {
            long t = model.predict(n);
            assertTrue(t >= previous, "t(" + n + ") = " + t + " < t(" + (n - 1) + ") = " + previous);
            previous = t;
        }
    }

    @Test
    void predict_withSomeSlowRuns_usesHighQuantileNotMean() {
        for (int i = 0; i < 17; i++) {
            model.observe(64, 10 * MS);
        }
        for (int i = 0; i < 3; i++) {
            model.observe(64, 30 * MS);
        }

        assertEquals(30 * MS, model.predict(64), "p90 of 20 runs of which 3 took 30 ms (mean 13 ms)");
    }

    @Test
    void predict_afterTheMachineSpeedsUp_forgetsOldRuns() {
        for (int i = 0; i < 32; i++) {
            model.observe(64, 10 * MS);
        }
        for (int i = 0; i < 32; i++) {
            model.observe(64, 4 * MS);
        }

        assertEquals(4 * MS, model.predict(64));
    }

    @Test
    void largestWithin_budget_isLargestSizePredictedToFit() {
        model.observe(1, 2 * MS);
        model.observe(128, 129 * MS);

        assertEquals(40, model.largestWithin(41 * MS));
        assertEquals(128, model.largestWithin(200 * MS));
        assertEquals(0, model.largestWithin(MS));
    }

    @Test
    void efficientSize_whenPerRowCostGrowsPastASize_isThatSize() {
        // Like the demo scorer: 64 rows in 11 ms, but 128 rows in 25 ms (slower per row).
        model.observe(1, 2 * MS);
        model.observe(32, 7 * MS);
        model.observe(64, 11 * MS);
        model.observe(128, 25 * MS);

        assertEquals(64, model.efficientSize());
    }

    @Test
    void efficientSize_whenThroughputRisesToTheEnd_isMaxBatchSize() {
        model.observe(1, 2 * MS);
        model.observe(128, 10 * MS);

        assertEquals(128, model.efficientSize());
    }

    @Test
    void efficientSize_followsNewObservations() {
        model.observe(64, 11 * MS);
        model.observe(128, 25 * MS);
        assertEquals(64, model.efficientSize());

        for (int i = 0; i < 32; i++) {
            model.observe(128, 15 * MS);
        }

        assertEquals(128, model.efficientSize());
    }

    @Test
    void efficientSize_whenTheRareLargeRunsMetContention_followsTheModelsShape() {
        // Warm-up: the model alone.
        for (int i = 0; i < 3; i++) {
            model.observe(16, 4 * MS);
            model.observe(32, 7 * MS);
            model.observe(64, 11 * MS);
            model.observe(128, 20 * MS);
        }
        // Under load: the few large runs formed while the server was starved, small runs often.
        for (int i = 0; i < 5; i++) {
            model.observe(64, 34 * MS);
            model.observe(128, 84 * MS);
        }
        for (int i = 0; i < 20; i++) {
            model.observe(24, 9 * MS);
        }

        // Per-class p90s alone would say 25 rows (2.8 rows/ms) beat 128 rows in 84 ms (1.5).
        assertEquals(128, model.efficientSize());
        assertTrue(model.predict(128) >= 80 * MS, "the slow recent runs still set the tail: " + model.predict(128));
    }

    @Test
    void efficientSize_whenTheLargeSizesWereLastMeasuredWhileStarved_stopsCappingOnceStale() {
        // The scorer's shape as a cold JVM's first overload showed it: 64 and 128 rows slow per row.
        for (int i = 0; i < 3; i++) {
            model.observe(16, 4 * MS);
            model.observe(32, 7 * MS);
            model.observe(64, 30 * MS);
            model.observe(128, 60 * MS);
        }
        assertEquals(32, model.efficientSize());
        // Then only 16- and 32-row runs, as the cap allows: the large classes are not measured again.
        observeSmallRuns(LatencyModel.STALE_RUNS);
        assertFalse(model.stale(32));
        assertTrue(model.stale(64) && model.stale(128));

        // 16 rows in 4 ms and 32 in 7 extrapolate to faster per row at 128: the cap is lifted.
        assertEquals(128, model.efficientSize());
        assertTrue(model.predict(128) >= 60 * MS, "deadlines still plan on the stale estimate: " + model.predict(128));
    }

    @Test
    void efficientSize_whenAStaleSizeRunsAgainAndIsSlowerPerRow_comesBackDown() {
        for (int i = 0; i < 3; i++) {
            model.observe(16, 4 * MS);
            model.observe(32, 7 * MS);
            model.observe(128, 60 * MS);
        }
        observeSmallRuns(LatencyModel.STALE_RUNS);
        assertEquals(128, model.efficientSize());

        model.observe(128, 60 * MS);

        assertFalse(model.stale(128));
        assertEquals(32, model.efficientSize());
    }

    @Test
    void efficientSize_whenOnlyOneRowRunsAreFresh_isMaxBatchSize() {
        // A warm-up, then light traffic: every run one row.
        for (int n = 1; n <= 128; n *= 2) {
            model.observe(n, (2 + n / 8) * MS);
        }
        for (int i = 0; i < LatencyModel.STALE_RUNS; i++) {
            model.observe(1, 2 * MS);
        }

        // One fresh point says nothing about larger sizes: a load that grows must be let batch.
        assertEquals(128, model.efficientSize());
    }

    /** {@code runs} runs alternating 16 rows in 4 ms and 32 rows in 7 ms. */
    private void observeSmallRuns(int runs) {
        for (int i = 0; i < runs; i++) {
            model.observe(i % 2 == 0 ? 16 : 32, (i % 2 == 0 ? 4 : 7) * MS);
        }
    }
}
