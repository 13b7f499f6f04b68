package io.batchwise.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.ledger.CostReport.ClassCost;
import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.schedule.ServiceClass;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Random runs on several instances and models: the books always balance, to the nanosecond. */
class ConservationTest {
    @ParameterizedTest
    @EnumSource(IdlePolicy.class)
    void report_randomRuns_attributedPlusUnattributedEqualsProvisioned(IdlePolicy policy) {
        for (long seed = 1; seed <= 20; seed++) {
            FakeTime time = new FakeTime();
            CostLedger ledger = CostLedger.inMemory(CostLedgerTest.SHEET, time, time.clock());
            SplittableRandom random = new SplittableRandom(seed);
            Map<String, long[]> sent = new HashMap<>();
            Map<String, long[]> expectedNanos = new HashMap<>(); // per model: provisioned, busy
            Map<String, Long> upSince = new HashMap<>();
            String[] models = {"a", "b"};
            for (String m : models) {
                for (int i = 0; i < 3; i++) {
                    ledger.onInstanceStarted(m, i, i == 2 ? "cpu-spot" : "cpu-on-demand", 1 + i % 2, time.now);
                    upSince.put(m + i, time.now);
                }
                expectedNanos.put(m, new long[2]);
            }
            for (int r = 0; r < 400; r++) {
                String m = models[random.nextInt(2)];
                int instance = random.nextInt(3);
                int[] rows = {random.nextInt(4), random.nextInt(3), random.nextInt(2) * random.nextInt(100)};
                if (rows[0] + rows[1] + rows[2] == 0) {
                    rows[0] = 1;
                }
                // Runs are sequential on the fake clock, so no instance ever runs two at once.
                var run = time.run(m, instance, random.nextDouble() * 3, rows[0], rows[1], rows[2]);
                ledger.onRun(run);
                expectedNanos.get(m)[1] += run.durationNanos();
                long[] s = sent.computeIfAbsent(m, k -> new long[3]);
                for (int c = 0; c < 3; c++) {
                    s[c] += rows[c];
                }
                time.now += (long) (random.nextDouble() * random.nextDouble() * 30 * FakeTime.SECOND);
                if (random.nextInt(50) == 0) {
                    ledger.onInstanceStopped(m, instance, time.now);
                    expectedNanos.get(m)[0] += time.now - upSince.get(m + instance);
                    time.advanceSeconds(random.nextDouble() * 100);
                    ledger.onInstanceStarted(m, instance, instance == 2 ? "cpu-spot" : "cpu-on-demand",
                            1 + instance % 2, time.now);
                    upSince.put(m + instance, time.now);
                }
            }
            CostReport all = ledger.report(new CostQuery(null, null, null, null, policy));
            for (ModelCost m : all.models()) {
                CostLedgerTest.assertConserved(m);
                assertTrue(m.utilization() >= 0 && m.utilization() <= 1, "utilization " + m.utilization());
            }
            for (String m : models) {
                for (int i = 0; i < 3; i++) {
                    expectedNanos.get(m)[0] += time.now - upSince.get(m + i);
                }
                List<CostReport.InstanceCost> instances = all.models().stream().filter(x -> x.model().equals(m))
                        .flatMap(x -> x.instances().stream()).toList();
                assertEquals(expectedNanos.get(m)[0], instances.stream().mapToLong(CostReport.InstanceCost::provisionedNanos).sum());
                assertEquals(expectedNanos.get(m)[1], instances.stream().mapToLong(CostReport.InstanceCost::busyNanos).sum());
                long[] s = sent.get(m);
                for (ServiceClass c : ServiceClass.values()) {
                    long rows = all.models().stream().filter(x -> x.model().equals(m))
                            .flatMap(x -> x.serviceClass(c).stream()).mapToLong(ClassCost::rows).sum();
                    assertEquals(s[c.ordinal()], rows, "seed " + seed + " model " + m + " " + c);
                }
            }
            // A window in the middle balances too, and the windows add up to all time.
            Instant mid = all.from().plusSeconds(600);
            CostReport early = ledger.report(new CostQuery(null, null, null, mid, policy));
            CostReport late = ledger.report(new CostQuery(null, null, mid, null, policy));
            for (ModelCost m : early.models()) {
                CostLedgerTest.assertConserved(m);
            }
            for (ModelCost m : late.models()) {
                CostLedgerTest.assertConserved(m);
            }
            assertEquals(total(all.models()), total(early.models()) + total(late.models()), 1e-9);
            assertEquals(busyNanos(all.models()), busyNanos(early.models()) + busyNanos(late.models()));
        }
    }

    private static long busyNanos(List<ModelCost> models) {
        return models.stream().flatMap(m -> m.instances().stream()).mapToLong(CostReport.InstanceCost::busyNanos).sum();
    }

    private static double total(List<ModelCost> models) {
        return models.stream().mapToDouble(ModelCost::cost).sum();
    }
}
