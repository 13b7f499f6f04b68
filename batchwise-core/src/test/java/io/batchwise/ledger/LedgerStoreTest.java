package io.batchwise.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.schedule.ServiceClass;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History in the real embedded SQLite store survives a restart of the ledger. */
class LedgerStoreTest {
    @TempDir
    Path dir;

    private CostLedger open(FakeTime time, Clock clock) {
        return CostLedger.open(CostLedgerTest.SHEET, time, clock, LedgerStore.sqlite(dir.resolve("ledger.db")),
                CostLedger.DEFAULT_BUCKET);
    }

    @Test
    void open_afterRestart_keepsTotalsAndAddsToThem() {
        FakeTime time = new FakeTime();
        CostReport before;
        try (CostLedger first = open(time, time.clock())) {
            first.onInstanceStarted("m", 0, "cpu-on-demand", 1, time.now);
            first.onRun(time.run("m", 0, 4, FakeTime.classes(3, 0, 5), Map.of("team", 3), Map.of("job-1", 5)));
            time.advanceSeconds(90);
            first.flush();
            first.onRun(time.run("m", 0, 1, 2, 0, 0));
            time.advanceSeconds(5);
            first.onInstanceStopped("m", 0, time.now);
            before = first.report(CostQuery.all());
        }
        // The process restarts an hour later (new ticker origin, later wall clock).
        FakeTime later = new FakeTime();
        Clock clock = Clock.fixed(FakeTime.START.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        try (CostLedger second = open(later, clock)) {
            ModelCost m = second.report(CostQuery.all()).models().get(0);
            ModelCost b = before.models().get(0);
            assertEquals(b.provisionedSeconds(), m.provisionedSeconds(), 1e-9);
            assertEquals(b.busySeconds(), m.busySeconds(), 1e-9);
            assertEquals(b.cost(), m.cost(), 1e-12);
            assertEquals(5, m.serviceClass(ServiceClass.INTERACTIVE).orElseThrow().rows());
            assertEquals(5, m.jobs().get(0).rows());
            assertEquals(3, m.tags().get(0).rows());
            assertEquals(5, second.costOfJob("job-1").orElseThrow().rows());
            assertEquals(FakeTime.START, second.report(CostQuery.all()).from());

            second.onInstanceStarted("m", 0, "cpu-on-demand", 1, later.now);
            second.onRun(later.run("m", 0, 2, 1, 0, 0));
            ModelCost after = second.report(CostQuery.all()).models().get(0);
            assertEquals(b.provisionedSeconds() + 2, after.provisionedSeconds(), 1e-9);
            assertEquals(6, after.serviceClass(ServiceClass.INTERACTIVE).orElseThrow().rows());
            assertEquals(1, after.instances().size(), "the same instance and price continue one account");
        }
        try (CostLedger third = open(new FakeTime(), Clock.fixed(FakeTime.START.plus(Duration.ofHours(2)), ZoneOffset.UTC))) {
            assertEquals(6, third.report(CostQuery.all()).models().get(0)
                    .serviceClass(ServiceClass.INTERACTIVE).orElseThrow().rows());
        }
    }

    @Test
    void open_withOtherBucketWidth_refusesTheStore() {
        FakeTime time = new FakeTime();
        open(time, time.clock()).close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CostLedger.open(CostLedgerTest.SHEET,
                time, time.clock(), LedgerStore.sqlite(dir.resolve("ledger.db")), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("60000 ms"), e.getMessage());
    }
}
