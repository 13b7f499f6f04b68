package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static io.batchwise.schedule.Fixture.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig.Policy;
import io.batchwise.model.ModelConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A model with a bulk lane: bulk rows run there at full size, live instances run live rows only,
 * and a lane run neither teaches the latency model nor claims capacity of its own in the ledger.
 * One live instance (numbered 0) and two lane instances (1 and 2); t(n) is seeded 2 ms + 100 us
 * per row.
 */
class BulkLaneTest {
    private static Fixture fixture(Policy policy) {
        ModelConfig config = Fixture.config(policy).maxBatchSize(64).build();
        return new Fixture(config, 1, 2).seedLatency(2 * MS, 100 * US);
    }

    @Test
    void poll_bulkQueued_fillsEveryLaneInstanceAtMaxBatchAndLeavesTheLiveInstanceFree() {
        Fixture f = fixture(Policy.SLO);
        f.bulk(300, 0);

        List<Batch> batches = f.poll(0);

        assertEquals(2, batches.size());
        assertEquals(Set.of(1, 2), Set.of(batches.get(0).instance, batches.get(1).instance));
        for (Batch b : batches) {
            assertEquals("bulk", b.reason);
            assertEquals(64, b.rows, "max batch, not sized to a live budget");
        }
        assertEquals(300 - 128, f.scheduler.queuedBulkRows());
    }

    @Test
    void poll_liveArrivesWhileLanesRun_runsAtOnceOnTheLiveInstanceWithoutBulkRows() {
        Fixture f = fixture(Policy.NONE);
        f.bulk(300, 0);
        f.poll(0);
        Pending live = f.live(2, 20 * MS, MS);

        List<Batch> batches = f.poll(MS);

        assertEquals(1, batches.size());
        Batch b = batches.get(0);
        assertEquals(0, b.instance);
        assertEquals(List.of(live.request.id()), Fixture.ids(b));
        assertEquals(2, b.rows, "no bulk top-up: a live run stays as short as its own rows make it");
    }

    @Test
    void poll_onlyBulkQueuedAndLanesBusy_neverRunsBulkOnTheLiveInstance() {
        Fixture f = fixture(Policy.SLO);
        f.bulk(1000, 0);
        f.poll(0);

        assertTrue(f.poll(MS).isEmpty(), "both lanes busy, the live instance stays free for live rows");
    }

    @Test
    void laneFree_isFalseOnlyWhileEveryLaneInstanceRuns() {
        Fixture f = fixture(Policy.SLO);
        assertTrue(f.scheduler.laneFree());
        f.bulk(64, 0);
        Batch first = f.poll(0).get(0);
        assertTrue(f.scheduler.laneFree(), "one lane still free");
        f.bulk(64, 0);
        f.poll(0);

        assertTrue(!f.scheduler.laneFree(), "both lanes run; the free live instance does not count");
        f.execute(first, 0, MS);
        assertTrue(f.scheduler.laneFree());
    }

    @Test
    void complete_laneRun_doesNotTeachTheLatencyModel() {
        Fixture f = fixture(Policy.SLO);
        f.bulk(64, 0);
        long before = f.scheduler.latency().predict(64);
        Batch lane = f.poll(0).get(0);

        f.execute(lane, 0, 500 * MS); // preempted by live work for most of its wall time

        assertEquals(before, f.scheduler.latency().predict(64));
    }

    @Test
    void complete_laneRun_isChargedToALiveInstanceByTheCpuTimeItsThreadUsed() {
        Fixture f = fixture(Policy.SLO);
        f.bulk(64, 0);
        Batch lane = f.poll(0).get(0);
        lane.cpuNanos = 7 * MS;

        f.execute(lane, 10 * MS, 40 * MS);

        RunRecord run = f.listener.runs.get(f.listener.runs.size() - 1);
        assertEquals(0, run.instance(), "the lane's cores are the live instance's");
        assertEquals(40 * MS, run.endNanos());
        assertEquals(7 * MS, run.durationNanos(), "CPU time over the live instance's one thread");
        assertEquals(64, run.rowsByClass().get(ServiceClass.BULK));
    }

    @Test
    void execute_everyBulkRowThroughTheLanes_completesEachRequestOnce() {
        Fixture f = fixture(Policy.SLO);
        List<Pending> jobs = List.of(f.bulk(100, 0), f.bulk(1, 0), f.bulk(70, 0));
        long t = 0;
        Set<Integer> lanesUsed = new HashSet<>();
        for (int round = 0; round < 10 && f.scheduler.queuedBulkRows() + running(f) > 0; round++) {
            for (Batch b : f.poll(t)) {
                lanesUsed.add(b.instance);
                f.execute(b, t, t + MS);
            }
            t += MS;
        }

        for (Pending p : jobs) {
            assertTrue(p.future.isDone() && !p.future.isCompletedExceptionally(), p.request.id());
            assertEquals(p.rows, p.future.join().outputs().get(0).rows());
        }
        assertEquals(Set.of(1, 2), lanesUsed);
    }

    private static int running(Fixture f) {
        return f.scheduler.running() ? 1 : 0;
    }
}
