package io.batchwise.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchCostTest {
    private final ServiceCurve curve = ServiceCurve.of(TestProfiles.scorerLike().pointsFor(1));
    private final PlanPrices prices = PriceFiles.builtIn();
    private final PlanPrices.Pool onDemand = prices.pool("cpu-on-demand").orElseThrow();
    private final PlanPrices.Pool spot = prices.pool("cpu-spot").orElseThrow();

    private static Workload workload(double rows, Duration window) {
        return WorkloadFile.parse("""
                workloads:
                  - name: w
                    model: scorer
                    rows_per_day: %s
                    peak_to_average: 1
                    latency: %s
                    current_mode: batch-on-demand
                """.formatted(rows, io.batchwise.model.Durations.format(window)), "w.yaml").workloads().get(0);
    }

    @Test
    void estimate_largeDailyVolume_costsComputeHoursPlusStartUp() {
        Workload w = workload(1e9, Duration.ofHours(24));
        ModeEstimate e = BatchCost.estimate(Mode.BATCH_ON_DEMAND, w, curve, onDemand, 2, Assumptions.DEFAULT);
        double computeHoursPerDay = 1e9 / curve.rowsPerSecond(128) / 3600;
        double floor = computeHoursPerDay * onDemand.ratePerHour(2) * 730 / 24;
        assertTrue(e.feasible());
        assertTrue(e.monthlyCost() >= floor, e.monthlyCost() + " >= " + floor);
        assertTrue(e.monthlyCost() < floor * 1.1, "start-up adds little to " + computeHoursPerDay + " h/day: " + e);
        assertTrue(e.utilization() > 0.9 && e.utilization() <= 1, e.toString());
    }

    @Test
    void estimate_spot_cheaperByPriceRatioLessOverhead() {
        Workload w = workload(1e9, Duration.ofHours(24));
        ModeEstimate od = BatchCost.estimate(Mode.BATCH_ON_DEMAND, w, curve, onDemand, 2, Assumptions.DEFAULT);
        ModeEstimate sp = BatchCost.estimate(Mode.BATCH_SPOT, w, curve, spot, 2, Assumptions.DEFAULT);
        double expected = spot.pricePerHour() / onDemand.pricePerHour() * 1.1;
        assertEquals(expected, sp.monthlyCost() / od.monthlyCost(), 0.03);
    }

    @Test
    void estimate_windowShorterThanStartUp_infeasibleWithReason() {
        Workload w = workload(1e6, Duration.ofSeconds(90));
        ModeEstimate e = BatchCost.estimate(Mode.BATCH_ON_DEMAND, w, curve, onDemand, 2, Assumptions.DEFAULT);
        assertFalse(e.feasible());
        assertTrue(e.reason().contains("start-up of 2m"), e.reason());
        assertTrue(Double.isNaN(e.monthlyCost()));
    }

    @Test
    void estimate_spotWindowWithoutRoomToRecover_infeasible() {
        Workload w = workload(1e6, Duration.ofMinutes(6));
        assertTrue(BatchCost.estimate(Mode.BATCH_ON_DEMAND, w, curve, onDemand, 2, Assumptions.DEFAULT).feasible());
        ModeEstimate e = BatchCost.estimate(Mode.BATCH_SPOT, w, curve, spot, 2, Assumptions.DEFAULT);
        assertFalse(e.feasible());
        assertTrue(e.reason().contains("recover from a spot preemption"), e.reason());
    }

    @Test
    void estimate_tinyVolume_paysMinimumBillingPerRun() {
        Workload w = workload(100, Duration.ofHours(8));
        ModeEstimate e = BatchCost.estimate(Mode.BATCH_ON_DEMAND, w, curve, onDemand, 2, Assumptions.DEFAULT);
        // best: one run a day at most every 24h is impossible (window 8h), so runs every < 8h, each
        // billed start-up (2 min) at least.
        assertTrue(e.monthlyCost() > 0);
        assertTrue(e.utilization() < 0.01, e.toString());
        assertEquals(1, e.instances());
    }
}
