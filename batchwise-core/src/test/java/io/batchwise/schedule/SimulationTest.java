package io.batchwise.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig;
import io.batchwise.model.Device;
import io.batchwise.model.ModelConfig;
import io.batchwise.model.QueueConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SimulationTest {
    private static final long SERVICE_NANOS = 2_000_000;

    private static ModelConfig config(BatchingConfig.Policy policy, int maxBatch) {
        return new ModelConfig("sim", maxBatch, 1, 1, Device.CPU, Duration.ofMillis(100),
                new BatchingConfig(policy, Duration.ofMillis(5), List.of(), Duration.ofSeconds(1)),
                QueueConfig.DEFAULT, "cpu-on-demand", null);
    }

    /** M/D/1: mean time in system = D + rho D / (2 (1 - rho)) (Pollaczek-Khinchine with zero service variance). */
    @ParameterizedTest
    @ValueSource(doubles = {0.3, 0.6, 0.8})
    void run_policyNoneDeterministicService_matchesMD1MeanWait(double rho) {
        double d = SERVICE_NANOS / 1e9;
        double lambda = rho / d;
        Simulation.Result r = Simulation.run(config(BatchingConfig.Policy.NONE, 64), 1, (rows, rnd) -> SERVICE_NANOS,
                new Simulation.Load(lambda, 1, Duration.ofHours(1), ServiceClass.INTERACTIVE, 200_000, 7));
        double expectedWait = rho * d / (2 * (1 - rho));
        double simulatedWait = r.meanSeconds() - d;
        assertEquals(0, r.shed());
        assertEquals(expectedWait, simulatedWait, expectedWait * 0.06,
                "mean wait at rho " + rho + ": closed form " + expectedWait + " s, simulated " + simulatedWait + " s");
        assertEquals(rho, r.utilization(), 0.02);
        assertEquals(1.0, r.meanBatchRows(), 1e-9);
    }

    @Test
    void run_policyNoneOverloaded_shedsAndReportsUnboundedP99() {
        Simulation.Result r = Simulation.run(config(BatchingConfig.Policy.NONE, 64), 1, (rows, rnd) -> SERVICE_NANOS,
                new Simulation.Load(1000, 1, Duration.ofMillis(20), ServiceClass.INTERACTIVE, 5_000, 1));
        assertTrue(r.shedFraction() > 0.3, "shed " + r.shedFraction());
        assertEquals(Double.POSITIVE_INFINITY, r.p99AllSeconds());
        assertTrue(r.p99Seconds() <= 0.020 + 1e-9, "admitted requests still meet their deadline: " + r.p99Seconds());
    }

    @Test
    void run_sloPolicyAboveSingleRowCapacity_batchesAndMeetsBudget() {
        // t(n) = 1 ms + 0.1 ms per row: one row per run caps at ~900 rows/s, batches reach ~9,000.
        Simulation.ServiceTime t = (rows, rnd) -> 1_000_000L + 100_000L * rows;
        Simulation.Result r = Simulation.run(config(BatchingConfig.Policy.SLO, 64), 1, t,
                new Simulation.Load(3000, 1, Duration.ofMillis(50), ServiceClass.INTERACTIVE, 30_000, 3));
        assertEquals(0, r.shed());
        assertTrue(r.meanBatchRows() > 3, "mean rows per run " + r.meanBatchRows());
        assertTrue(r.p99AllSeconds() <= 0.050, "p99 " + r.p99AllSeconds());
    }

    @Test
    void run_moreInstances_lowerLatencyAtSameLoad() {
        Simulation.Load load = new Simulation.Load(400, 1, Duration.ofSeconds(10), ServiceClass.INTERACTIVE, 20_000, 5);
        Simulation.Result one = Simulation.run(config(BatchingConfig.Policy.NONE, 64), 1, (n, rnd) -> SERVICE_NANOS, load);
        Simulation.Result two = Simulation.run(config(BatchingConfig.Policy.NONE, 64), 2, (n, rnd) -> SERVICE_NANOS, load);
        assertTrue(two.p99Seconds() < one.p99Seconds(), one.p99Seconds() + " vs " + two.p99Seconds());
        assertEquals(two.utilization() * 2, one.utilization(), 0.03);
    }
}
