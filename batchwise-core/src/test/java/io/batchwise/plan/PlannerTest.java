package io.batchwise.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.YearMonth;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final PlannerOptions FAST = new PlannerOptions(3000, 42, 4096, YearMonth.of(2026, 1), false);

    private static Plan plan(String yaml) {
        Profile scorer = TestProfiles.scorerLike();
        return new Planner(PriceFiles.builtIn(), FAST).plan(WorkloadFile.parse(yaml, "workloads.yaml"), w -> scorer);
    }

    private static Plan.WorkloadPlan only(String yaml) {
        return plan(yaml).workloads().get(0);
    }

    @Test
    void plan_nightlyScoringWith8hWindow_recommendsBatchSpot() {
        Plan.WorkloadPlan p = only("""
                workloads:
                  - name: nightly-scoring
                    model: scorer
                    rows_per_day: 5_000_000
                    peak_to_average: 24
                    latency: 8h
                    current_mode: batch-on-demand
                """);
        assertEquals(Mode.BATCH_SPOT, p.recommended());
        assertTrue(p.savingPerMonth() > 0, "spot saves against on-demand batch: " + p.savingPerMonth());
        ModeEstimate spot = p.mode(Mode.BATCH_SPOT);
        assertTrue(spot.monthlyCost() < p.mode(Mode.NEAR_REAL_TIME).monthlyCost() / 5, spot + "");
        assertEquals("cpu-spot", spot.pool());
        assertEquals(128, spot.meanBatchRows(), 1e-9);
    }

    @Test
    void plan_checkout100ms_recommendsMicroBatchOrRealTime() {
        Plan.WorkloadPlan p = only("""
                workloads:
                  - name: checkout-fraud
                    model: scorer
                    rows_per_day: 2_000_000
                    peak_to_average: 3
                    latency: 100ms
                    current_mode: real-time
                """);
        assertTrue(Set.of(Mode.MICRO_BATCH, Mode.REAL_TIME).contains(p.recommended()), p.recommended() + "");
        for (Mode m : Set.of(Mode.BATCH_ON_DEMAND, Mode.BATCH_SPOT, Mode.NEAR_REAL_TIME)) {
            assertFalse(p.mode(m).feasible(), m + " cannot answer within 100ms");
            assertFalse(p.mode(m).reason().isBlank());
        }
        ModeEstimate rec = p.recommendedEstimate();
        assertTrue(rec.p99Seconds() <= 0.100, "simulated p99 " + rec.p99Seconds());
        assertNotNull(p.mode(Mode.MICRO_BATCH).batchWindow(), "a window for micro-batch is tuned");
    }

    @Test
    void plan_reportWithin5Minutes_recommendsNearRealTimeOrBatch() {
        Plan.WorkloadPlan p = only("""
                workloads:
                  - name: ops-report
                    model: scorer
                    rows_per_day: 50_000_000
                    peak_to_average: 2
                    latency: 5m
                    current_mode: real-time
                """);
        assertTrue(Set.of(Mode.NEAR_REAL_TIME, Mode.BATCH_ON_DEMAND, Mode.BATCH_SPOT).contains(p.recommended()),
                p.recommended() + "");
        assertFalse(p.mode(Mode.BATCH_SPOT).feasible(), "5 minutes leave no room to recover from a preemption");
        assertTrue(p.savingPerMonth() > 0);
    }

    @Test
    void plan_heavyInteractiveLoad_microBatchNeedsFewerInstancesThanRealTime() {
        Plan.WorkloadPlan p = only("""
                workloads:
                  - name: feed-ranking
                    model: scorer
                    rows_per_day: 300_000_000
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: real-time
                """);
        ModeEstimate rt = p.mode(Mode.REAL_TIME);
        ModeEstimate mb = p.mode(Mode.MICRO_BATCH);
        assertTrue(rt.feasible() && mb.feasible());
        // peak 6,944 rows/s: one row per run gives ~560 rows/s per instance, batches ~6,000.
        assertTrue(rt.instances() >= 13, "real-time instances " + rt.instances());
        assertTrue(mb.instances() < rt.instances() / 2, "micro-batch " + mb.instances() + " vs " + rt.instances());
        assertEquals(Mode.MICRO_BATCH, p.recommended());
        assertEquals(rt.monthlyCost() - mb.monthlyCost(), p.savingPerMonth(), 1e-9);
        assertTrue(mb.p99Seconds() <= 0.1 && rt.p99Seconds() <= 0.1);
    }

    @Test
    void plan_growth_forecastsTwelveRisingMonths() {
        Plan plan = plan("""
                workloads:
                  - name: a
                    model: scorer
                    rows_per_day: 5_000_000
                    peak_to_average: 24
                    latency: 8h
                    current_mode: batch-spot
                    growth: 10%
                  - name: b
                    model: scorer
                    rows_per_day: 1_000_000
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: micro-batch
                """);
        assertEquals(12, plan.forecast().size());
        assertEquals(YearMonth.of(2026, 1), plan.forecast().get(0).period());
        Plan.ForecastMonth first = plan.forecast().get(0);
        Plan.ForecastMonth last = plan.forecast().get(11);
        assertEquals(5_000_000 * Math.pow(1.1, 11), last.workloads().get(0).rowsPerDay(), 1);
        assertTrue(last.workloads().get(0).monthlyCost() > 2 * first.workloads().get(0).monthlyCost());
        assertEquals(first.workloads().get(1).monthlyCost(), last.workloads().get(1).monthlyCost(), 1e-9,
                "no growth, same cost");
        double sum = first.workloads().stream().mapToDouble(Plan.ForecastEntry::monthlyCost).sum();
        assertEquals(sum, first.totalCost(), 1e-9);
        assertEquals(plan.workloads().get(0).recommendedEstimate().monthlyCost(), first.workloads().get(0).monthlyCost(),
                1e-9);
    }

    @Test
    void plan_unknownPool_errorNamesWorkloadLineAndField() {
        PlanFileError e = org.junit.jupiter.api.Assertions.assertThrows(PlanFileError.class, () -> plan("""
                workloads:
                  - name: a
                    model: scorer
                    rows_per_day: 1000
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: real-time
                    pool: tpu-v9
                """));
        assertEquals(8, e.line());
        assertEquals("workloads[0].pool", e.field());
        assertTrue(e.getMessage().startsWith("workloads.yaml:8: workloads[0].pool: no pool 'tpu-v9'"), e.getMessage());
    }
}
