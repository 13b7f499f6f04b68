package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reserve for the tail follows the share of requests that finish late. */
class TailReserveTest {
    private static final long BUDGET = 50 * MS;

    @Test
    void observe_lateRequest_raisesTheShareByOneStep() {
        TailReserve r = new TailReserve();

        r.observe(46 * MS, BUDGET);

        assertEquals(TailReserve.INITIAL + TailReserve.STEP, r.share(), 1e-12);
    }

    @Test
    void observe_requestInTime_lowersTheShareByAHundredthOfAStep() {
        TailReserve r = new TailReserve();
        r.observe(46 * MS, BUDGET);

        r.observe(44 * MS, BUDGET);

        assertEquals(TailReserve.INITIAL + TailReserve.STEP - TailReserve.STEP / 99, r.share(), 1e-12);
    }

    @Test
    void observe_onlyRequestsInTime_keepTheStartingShare() {
        TailReserve r = new TailReserve();

        r.observe(10 * MS, BUDGET);

        assertEquals(TailReserve.INITIAL, r.share(), 1e-12);
    }

    @Test
    void observe_expiredRequest_countsAsLate() {
        TailReserve r = new TailReserve();

        r.observe(60 * MS, BUDGET);

        assertTrue(r.share() > TailReserve.INITIAL);
    }

    @Test
    void observe_longRunsOfEither_stayWithinBounds() {
        TailReserve r = new TailReserve();
        for (int i = 0; i < 1_000; i++) {
            r.observe(BUDGET, BUDGET);
        }
        assertEquals(TailReserve.MAX, r.share(), 1e-12);
        for (int i = 0; i < 1_000_000; i++) {
            r.observe(0, BUDGET);
        }
        assertEquals(TailReserve.MIN, r.share(), 1e-12);
    }

    /**
     * Requests planned to finish by the budget less the reserve, with a tail the plan does not
     * know (exponential, mean 4 ms): the reserve settles where about 1% of them are late.
     */
    @Test
    void observe_aTailThePlanDoesNotCover_settlesWithAboutOnePercentLate() {
        TailReserve r = new TailReserve();
        SplittableRandom random = new SplittableRandom(3);
        long late = 0;
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            long planned = (long) ((1 - r.share()) * BUDGET);
            long used = planned + (long) (-Math.log(1 - random.nextDouble()) * 4 * MS);
            if (i >= n / 2 && used > (1 - TailReserve.LATE) * BUDGET) {
                late++;
            }
            r.observe(used, BUDGET);
        }
        double share = late / (n / 2.0);
        assertTrue(share > 0.005 && share < 0.02, "late share " + share);
        // 1% of an exponential tail of mean 4 ms lies beyond 18.4 ms, plus the last tenth
        assertTrue(r.share() > 0.4 && r.share() < 0.6, "reserve " + r.share());
    }
}
