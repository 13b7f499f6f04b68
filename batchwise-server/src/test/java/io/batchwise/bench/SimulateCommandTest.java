package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig;
import io.batchwise.model.ModelConfig;
import io.batchwise.plan.ServiceCurve;
import io.batchwise.schedule.Simulation;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {
    private static final ModelConfig BASE = ModelConfig.defaults("sim");
    private static final Duration BUDGET = Duration.ofMillis(50);

    /** t(n) = 1 ms + 0.1 ms per row, the same every run. */
    private static final ServiceCurve LINEAR = ServiceCurve.deterministic(new int[] {1, 64},
            new double[] {0.0011, 0.0074});

    @Test
    void highest_noBatchingAtTwoMillisecondsARun_endsBelowTheInstancesCapacity() {
        ServiceCurve flat = ServiceCurve.deterministic(new int[] {1, 64}, new double[] {0.002, 0.002});
        SimulateCommand.Highest h = SimulateCommand.highest(SimulateCommand.withPolicy(BASE, "none"), 1,
                SimulateCommand.service(flat, 1, 0, 0), 1, BUDGET, 0.047, 0.01, 50, 1);
        // one run of 2 ms at a time: at most 500 requests a second, and the queue's tail grows before that
        assertTrue(h.rate() > 300 && h.rate() < 500, "rate " + h.rate());
        assertTrue(h.result().p99Seconds() <= 0.047);
    }

    @Test
    void highest_sloBatches_holdsSeveralTimesTheRateOfNone() {
        double none = SimulateCommand.highest(SimulateCommand.withPolicy(BASE, "none"), 1,
                SimulateCommand.service(LINEAR, 1, 0, 0), 1, BUDGET, 0.047, 0.01, 50, 1).rate();
        SimulateCommand.Highest slo = SimulateCommand.highest(SimulateCommand.withPolicy(BASE, "slo"), 1,
                SimulateCommand.service(LINEAR, 1, 0, 0), 1, BUDGET, 0.047, 0.01, 50, 1);
        assertTrue(slo.rate() > 3 * none, "slo " + slo.rate() + " none " + none);
        assertTrue(slo.result().meanBatchRows() > 4, "rows per run " + slo.result().meanBatchRows());
    }

    @Test
    void service_stretchesEveryRunAndStallsTheChosenShare() {
        SplittableRandom random = new SplittableRandom(3);
        Simulation.ServiceTime stretched = SimulateCommand.service(LINEAR, 2, 0, 0);
        assertEquals(2 * 1_100_000, stretched.nanos(1, random), 1);
        Simulation.ServiceTime stalled = SimulateCommand.service(LINEAR, 1, 1, 30_000_000);
        for (int i = 0; i < 1000; i++) {
            long t = stalled.nanos(1, random) - 1_100_000;
            assertTrue(t >= 15_000_000 && t < 45_000_000, "stall " + t);
        }
    }

    @Test
    void withPolicy_setsTheBatchingPolicyAndNothingElse() {
        ModelConfig window = SimulateCommand.withPolicy(BASE, "window:10ms");
        assertEquals(BatchingConfig.Policy.WINDOW, window.batching().policy());
        assertEquals(Duration.ofMillis(10), window.batching().maxQueueDelay());
        assertEquals(BASE.maxBatchSize(), window.maxBatchSize());
        assertEquals(BatchingConfig.Policy.SLO, SimulateCommand.withPolicy(BASE, "slo").batching().policy());
        assertThrows(IllegalArgumentException.class, () -> SimulateCommand.withPolicy(BASE, "fastest"));
    }
}
