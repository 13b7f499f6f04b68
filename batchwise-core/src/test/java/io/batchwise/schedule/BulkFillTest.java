package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static io.batchwise.schedule.Fixture.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bulk rows fill what live traffic leaves: they top up live batches and run alone on idle
 * instances, never in sizes that would push a live request past its deadline. t(n) is seeded
 * (and, in the timeline, really is) 2 ms + 100 us per row.
 */
class BulkFillTest {
    private static final long GUARD = MS;

    private static long serviceNanos(int rows) {
        return 2 * MS + 100 * US * rows;
    }

    private static Fixture fixture(Duration latencyTarget) {
        return Fixture.config(Policy.SLO).maxBatchSize(128).latencyTarget(latencyTarget).fixture()
                .seedLatency(2 * MS, 100 * US);
    }

    @ParameterizedTest(name = "budget {0} ms")
    @ValueSource(ints = {3, 5, 10, 20, 100})
    void poll_liveBatchWithBulkQueued_topsUpOnlyWhilePredictedTimeKeepsEarliestDeadline(int budgetMillis) {
        Fixture f = fixture(Duration.ofMillis(100));
        f.bulk(500, 0);
        Pending live = f.live(1, budgetMillis * MS, 0);

        Batch batch = f.poll(0).get(0);

        assertEquals(live, batch.slices.get(0).pending());
        int bulk = batch.rowsByClass().getOrDefault(ServiceClass.BULK, 0);
        assertEquals(budgetMillis >= 5, bulk > 0, "bulk rows " + bulk);
        if (bulk > 0) {
            long predictedEnd = f.scheduler.latency().predict(batch.rows);
            assertTrue(predictedEnd <= live.deadline - GUARD, "t(" + batch.rows + ") = " + predictedEnd);
        }
    }

    @Test
    void poll_bulkOnlyOnIdleInstance_sizeBoundedByHalfTheLatencyTarget() {
        Fixture f = fixture(Duration.ofMillis(20));
        f.bulk(500, 0);

        Batch batch = f.poll(0).get(0);

        assertEquals("bulk", batch.reason);
        assertEquals(80, batch.rows, "t(80) = 10 ms, half the 20 ms target");
    }

    @Test
    void poll_bulkOnlyAfterATighterInteractiveBudget_sizeBoundedByHalfThatBudget() {
        Fixture f = fixture(Duration.ofMillis(100));
        f.live(1, 8 * MS, 0);
        Batch live = f.poll(0).get(0);
        f.execute(live, 0, serviceNanos(1));
        f.bulk(500, 3 * MS);

        Batch batch = f.poll(3 * MS).get(0);

        assertEquals("bulk", batch.reason);
        assertEquals(20, batch.rows, "t(20) = 4 ms, half the 8 ms budget");
    }

    @Test
    void timeline_interactiveArrivingDuringBulkRuns_makesItsDeadline() {
        Fixture f = fixture(Duration.ofMillis(20));
        Timeline timeline = new Timeline(f, BulkFillTest::serviceNanos);
        Random random = new Random(42);
        List<Pending> interactive = new ArrayList<>();
        timeline.at(0, now -> f.bulk(20_000, now));
        for (int i = 0; i < 200; i++) {
            int rows = 1 + random.nextInt(4);
            timeline.at(1 + (long) (random.nextDouble() * 1000 * MS), now -> interactive.add(f.live(rows, 20 * MS, now)));
        }

        timeline.run(1100 * MS);

        assertEquals(200, interactive.size());
        for (Pending p : interactive) {
            assertTrue(p.future.isDone() && !p.future.isCompletedExceptionally(), "request " + p.request.id());
        }
        assertTrue(f.listener.done.stream().filter(d -> d.serviceClass() == ServiceClass.INTERACTIVE)
                .allMatch(Fixture.Recorder.Done::met), "every interactive request met its deadline");
        long bulkRows = f.listener.runs.stream().mapToLong(r -> r.rowsByClass().getOrDefault(ServiceClass.BULK, 0))
                .sum();
        assertTrue(bulkRows > 5_000, "bulk kept the instance busy: " + bulkRows + " rows");
    }
}
