package io.batchwise.ledger;

import static io.batchwise.ledger.FakeTime.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.ledger.CostReport.ClassCost;
import io.batchwise.ledger.CostReport.InstanceCost;
import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.runtime.ModelNotFound;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.tensor.InvalidInput;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostLedgerTest {
    /** $3.6 per hour for the machine, 2 slots: an instance with 1 slot costs $0.0005 per second. */
    static final PriceSheet SHEET = PriceSheet.of("USD", IdlePolicy.INTERACTIVE, List.of(
            new Pool("cpu-on-demand", 3.6, PricingCategory.ON_DEMAND, 2),
            new Pool("cpu-spot", 1.8, PricingCategory.SPOT, 2)));
    static final double PER_SECOND = 0.0005;

    private final FakeTime time = new FakeTime();
    private final CostLedger ledger = CostLedger.inMemory(SHEET, time, time.clock());

    private ModelCost only(CostQuery q) {
        List<ModelCost> models = ledger.report(q).models();
        assertEquals(1, models.size());
        return models.get(0);
    }

    private static ClassCost line(ModelCost m, ServiceClass c) {
        return m.serviceClass(c).orElseThrow(() -> new AssertionError("no " + c + " line in " + m));
    }

    /** 100 s provisioned: a 10 s run of 3 interactive + 1 bulk row, 30 s of deferred, 60 s idle. */
    private void mixedWorkload() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 0, 10, 3, 0, 1));
        ledger.onRun(time.run("m", 0, 30, 0, 6, 0));
        time.advanceSeconds(60);
        ledger.onInstanceStopped("m", 0, time.now);
        time.advanceSeconds(500);
    }

    @Test
    void report_interactivePolicy_busySplitByRowsAndIdleToInteractive() {
        mixedWorkload();
        ModelCost m = only(new CostQuery(null, null, null, null, IdlePolicy.INTERACTIVE));
        assertEquals(100, m.provisionedSeconds(), 1e-9);
        assertEquals(40, m.busySeconds(), 1e-9);
        assertEquals(0.4, m.utilization(), 1e-12);
        assertEquals(100 * PER_SECOND, m.cost(), 1e-12);
        assertEquals(60 * PER_SECOND, m.idleCost(), 1e-12);
        assertEquals(0, m.unattributedCost(), 1e-15);
        ClassCost interactive = line(m, ServiceClass.INTERACTIVE);
        assertEquals(3, interactive.rows());
        assertEquals(1, interactive.runs());
        assertEquals(7.5, interactive.busySeconds(), 1e-9);
        assertEquals((7.5 + 60) * PER_SECOND, interactive.cost(), 1e-12);
        assertEquals((7.5 + 60) * PER_SECOND * 1000 / 3, interactive.costPer1k(), 1e-9);
        assertEquals(2.5 * PER_SECOND, line(m, ServiceClass.BULK).cost(), 1e-12);
        assertEquals(30 * PER_SECOND, line(m, ServiceClass.DEFERRED).cost(), 1e-12);
        assertEquals(6, line(m, ServiceClass.DEFERRED).rows());
    }

    @Test
    void report_proportionalPolicy_idleSplitByBusyTime() {
        mixedWorkload();
        ModelCost m = only(new CostQuery(null, null, null, null, IdlePolicy.PROPORTIONAL));
        // busy 7.5 / 30 / 2.5 of 40 s; idle 60 s split the same way
        assertEquals(7.5 * 2.5 * PER_SECOND, line(m, ServiceClass.INTERACTIVE).cost(), 1e-12);
        assertEquals(30 * 2.5 * PER_SECOND, line(m, ServiceClass.DEFERRED).cost(), 1e-12);
        assertEquals(2.5 * 2.5 * PER_SECOND, line(m, ServiceClass.BULK).cost(), 1e-12);
        assertEquals(0, m.unattributedCost(), 1e-15);
    }

    @Test
    void report_separatePolicy_idleIsItsOwnLine() {
        mixedWorkload();
        ModelCost m = only(new CostQuery(null, null, null, null, IdlePolicy.SEPARATE));
        assertEquals(7.5 * PER_SECOND, line(m, ServiceClass.INTERACTIVE).cost(), 1e-12);
        assertEquals(0, line(m, ServiceClass.INTERACTIVE).idleCost(), 0);
        assertEquals(60 * PER_SECOND, m.unattributedCost(), 1e-12);
    }

    @Test
    void report_proportionalWithNoRuns_leavesIdleUnattributed() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        time.advanceSeconds(10);
        ModelCost m = only(new CostQuery(null, null, null, null, IdlePolicy.PROPORTIONAL));
        assertEquals(10 * PER_SECOND, m.unattributedCost(), 1e-12);
        assertTrue(m.classes().isEmpty());
    }

    @Test
    void report_openInstance_accruesUntilNow() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        time.advanceSeconds(42);
        assertEquals(42, only(CostQuery.all()).provisionedSeconds(), 1e-9);
        time.advanceSeconds(8);
        assertEquals(50, only(CostQuery.all()).provisionedSeconds(), 1e-9);
    }

    @Test
    void report_rate_isPoolPriceTimesSlotsOverPoolSlots() {
        ledger.onInstanceStarted("a", 0, "cpu-on-demand", 2, time.now);
        ledger.onInstanceStarted("b", 0, "cpu-spot", 1, time.now);
        time.advanceSeconds(3600);
        List<ModelCost> models = ledger.report(CostQuery.all()).models();
        assertEquals(3.6, models.get(0).cost(), 1e-9);
        assertEquals(0.9, models.get(1).cost(), 1e-9);
        assertEquals(PricingCategory.SPOT, models.get(1).category());
        assertEquals(0.9, models.get(1).instances().get(0).ratePerHour(), 1e-12);
    }

    @Test
    void report_poolMissingFromSheet_recordsTimeAtZeroCost() {
        ledger.onInstanceStarted("m", 0, "tpu-pod", 1, time.now);
        ledger.onRun(time.run("m", 0, 2, 1, 0, 0));
        ModelCost m = only(CostQuery.all());
        assertEquals(2, m.provisionedSeconds(), 1e-9);
        assertEquals(0, m.cost(), 0);
        assertNull(m.category());
    }

    @Test
    void report_severalInstances_sumIntoTheModel() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onInstanceStarted("m", 1, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 1, 4, 2, 0, 0));
        time.advanceSeconds(6);
        ModelCost m = only(CostQuery.all());
        assertEquals(20, m.provisionedSeconds(), 1e-9);
        assertEquals(0.2, m.utilization(), 1e-12);
        assertEquals(2, m.instances().size());
        assertEquals(0, m.instances().get(0).busyNanos());
        assertEquals(4 * SECOND, m.instances().get(1).busyNanos());
    }

    @Test
    void report_tagsAndJobs_getTheirRowsAndBusyCost() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 0, 8, FakeTime.classes(2, 0, 6), Map.of("team-a", 2), Map.of("job-1", 6)));
        ModelCost m = only(CostQuery.all());
        assertEquals("team-a", m.tags().get(0).key());
        assertEquals(2, m.tags().get(0).rows());
        assertEquals(2, m.tags().get(0).busySeconds(), 1e-9);
        assertEquals(2 * PER_SECOND, m.tags().get(0).cost(), 1e-12);
        assertEquals("job-1", m.jobs().get(0).key());
        assertEquals(6 * PER_SECOND, m.jobs().get(0).cost(), 1e-12);
    }

    @Test
    void report_fromTo_coversOnlyThoseMinutes() {
        // The instance starts at 10:00:05; one interactive row in each of the first three minutes.
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 0, 1, 1, 0, 0));
        time.advanceSeconds(60);
        ledger.onRun(time.run("m", 0, 1, 1, 0, 0));
        time.advanceSeconds(60);
        ledger.onRun(time.run("m", 0, 1, 1, 0, 0));
        time.advanceSeconds(60);
        CostReport r = ledger.report(new CostQuery(null, null, Instant.parse("2026-03-02T10:01:00Z"),
                Instant.parse("2026-03-02T10:01:30Z"), null));
        assertEquals(Instant.parse("2026-03-02T10:01:00Z"), r.from());
        assertEquals(Instant.parse("2026-03-02T10:02:00Z"), r.to());
        ModelCost m = r.models().get(0);
        assertEquals(60, m.provisionedSeconds(), 1e-9);
        assertEquals(1, line(m, ServiceClass.INTERACTIVE).rows());
        assertEquals(Instant.parse("2026-03-02T10:00:00Z"), ledger.report(CostQuery.all()).from());
        assertEquals(3, line(only(CostQuery.all()), ServiceClass.INTERACTIVE).rows());
    }

    @Test
    void onRun_acrossBucketBoundary_splitsBusyTimeByBucket() {
        time.now = 55 * SECOND; // 10:00:50 (the ledger started at ticker 5 s = 10:00:00)
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 0, 20, 1, 0, 0)); // 10:00:50 to 10:01:10
        ModelCost second = ledger.report(new CostQuery(null, null, Instant.parse("2026-03-02T10:01:00Z"), null, null))
                .models().get(0);
        assertEquals(10, second.busySeconds(), 1e-9);
        assertEquals(10, second.provisionedSeconds(), 1e-9);
        assertEquals(1, second.rows(), "rows count in the bucket where the run ended");
    }

    @Test
    void onRun_unknownInstance_isChargedFromTheRunOn() {
        ledger.onRun(time.run("m", 3, 2, 1, 0, 0));
        ModelCost m = only(CostQuery.all());
        assertEquals(2, m.provisionedSeconds(), 1e-9);
        assertEquals(1, line(m, ServiceClass.INTERACTIVE).rows());
    }

    @Test
    void onInstanceStarted_again_continuesTheSameAccount() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        time.advanceSeconds(10);
        ledger.onInstanceStopped("m", 0, time.now);
        time.advanceSeconds(100);
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        time.advanceSeconds(5);
        ModelCost m = only(CostQuery.all());
        assertEquals(15, m.provisionedSeconds(), 1e-9);
        assertEquals(1, m.instances().size());
    }

    @Test
    void report_classFilter_keepsOnlyThatClassLine() {
        mixedWorkload();
        ModelCost m = only(new CostQuery(null, ServiceClass.BULK, null, null, null));
        assertEquals(List.of(ServiceClass.BULK), m.classes().stream().map(ClassCost::serviceClass).toList());
        assertEquals(100 * PER_SECOND, m.cost(), 1e-12, "model totals stay whole");
    }

    @Test
    void report_unknownModel_throwsModelNotFound() {
        mixedWorkload();
        assertThrows(ModelNotFound.class, () -> ledger.report(new CostQuery("nope", null, null, null, null)));
    }

    @Test
    void costQuery_fromNotBeforeTo_isInvalidInput() {
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        assertThrows(InvalidInput.class, () -> new CostQuery(null, null, t, t, null));
    }

    @Test
    void costOfJob_withInteractiveTraffic_estimatesRealTimeCostOverTheSamePeriod() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 0, 1, 1, 0, 0));          // 1 interactive row, 1 s busy
        time.advanceSeconds(9);                               // 9 s idle, charged to interactive
        ledger.onRun(time.run("m", 0, 2, FakeTime.classes(0, 0, 100), Map.of(), Map.of("job-1", 100)));
        JobCost job = ledger.costOfJob("job-1").orElseThrow();
        assertEquals(100, job.rows());
        assertEquals(2, job.busySeconds(), 1e-9);
        assertEquals(2 * PER_SECOND, job.cost(), 1e-12);
        assertEquals("same_period", job.realTimeBasis());
        // interactive: (1 + 9) s for 1 row = 10 s per row; 100 rows -> 1000 s
        assertEquals(1000 * PER_SECOND, job.realTimeCost(), 1e-9);
        assertEquals(1000 * PER_SECOND - 2 * PER_SECOND, job.saving(), 1e-9);
        assertTrue(ledger.costOfJob("job-2").isEmpty());
    }

    @Test
    void costOfJob_interactiveOnlyInAnotherPeriod_usesAllTimeBasis() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 0, 1, 1, 0, 0));
        time.advanceSeconds(300);
        ledger.onRun(time.run("m", 0, 2, FakeTime.classes(0, 0, 10), Map.of(), Map.of("job-1", 10)));
        assertEquals("all_time", ledger.costOfJob("job-1").orElseThrow().realTimeBasis());
    }

    @Test
    void costOfJob_noInteractiveEver_hasNoEstimate() {
        ledger.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
        ledger.onRun(time.run("m", 0, 2, FakeTime.classes(0, 0, 10), Map.of(), Map.of("job-1", 10)));
        JobCost job = ledger.costOfJob("job-1").orElseThrow();
        assertNull(job.realTimeCost());
        assertNull(job.realTimeBasis());
    }

    @Test
    void writeTo_classDollarsSumToProvisionedDollars() {
        mixedWorkload();
        StringBuilder out = new StringBuilder();
        ledger.writeTo(out);
        String text = out.toString();
        assertTrue(text.contains("# TYPE batchwise_cost_dollars_total counter"), text);
        double sum = 0;
        for (String c : List.of("interactive", "deferred", "bulk", "idle")) {
            sum += sample(text, "batchwise_cost_dollars_total{model=\"m\",class=\"" + c + "\",pool=\"cpu-on-demand\"}");
        }
        assertEquals(sample(text, "batchwise_provisioned_dollars_total{model=\"m\",pool=\"cpu-on-demand\"}"), sum, 1e-12);
        assertEquals(100, sample(text, "batchwise_provisioned_seconds_total{model=\"m\",pool=\"cpu-on-demand\"}"), 1e-9);
        assertEquals(6, sample(text, "batchwise_cost_rows_total{model=\"m\",class=\"deferred\",pool=\"cpu-on-demand\"}"));
        assertEquals(30, sample(text, "batchwise_busy_seconds_total{model=\"m\",class=\"deferred\",pool=\"cpu-on-demand\"}"), 1e-9);
    }

    static double sample(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no sample " + series + " in\n" + text);
    }

    static void assertConserved(ModelCost m) {
        double classes = m.classes().stream().mapToDouble(ClassCost::cost).sum();
        assertEquals(m.cost(), classes + m.unattributedCost(), 1e-12 * Math.max(1, m.cost()));
        assertEquals(m.cost(), m.busyCost() + m.idleCost(), 1e-12 * Math.max(1, m.cost()));
        for (InstanceCost i : m.instances()) {
            assertEquals(i.provisionedNanos(), i.busyNanos() + i.attributedIdleNanos() + i.unattributedIdleNanos());
            double expected = i.provisionedNanos() / 1e9 * i.ratePerHour() / 3600;
            assertEquals(expected, i.attributedCost() + i.unattributedCost(), 1e-12 * Math.max(1, expected));
        }
    }
}
