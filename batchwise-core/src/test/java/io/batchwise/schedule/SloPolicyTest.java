package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static io.batchwise.schedule.Fixture.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code policy: slo}: dispatch decided from the earliest deadline, t(n) and the arrival rate.
 * t(n) is seeded as 2 ms + 50 us per row; the arrival rate decays with a 0.5 s time constant, so
 * a request of r rows alone makes the bucket expect 2r rows per second.
 */
class SloPolicyTest {
    private final Fixture f = Fixture.config(Policy.SLO).maxBatchSize(128).fixture().seedLatency(2 * MS, 50 * US);

    @Test
    void poll_whenDeadlineAllowsAndArrivalsExpected_waitsUntilBeforeDeadline() {
        Pending p = f.live(100, 40 * MS, 0);

        assertTrue(f.poll(0).isEmpty());
        long wakeAt = f.scheduler.wakeAt();
        assertTrue(wakeAt > 0 && wakeAt < p.deadline, "wakeAt " + wakeAt);
        assertTrue(wakeAt + f.scheduler.latency().predict(100) <= p.deadline, "a run started at wakeAt is in time");
    }

    @Test
    void poll_whenWaitingWouldBreakEarliestDeadline_dispatchesDeadline() {
        Pending p = f.live(100, 40 * MS, 0);
        assertTrue(f.poll(0).isEmpty());
        long lastStart = p.deadline - MS - f.scheduler.latency().predict(100);

        List<Batch> batches = f.poll(lastStart);

        assertEquals(1, batches.size());
        assertEquals("deadline", batches.get(0).reason);
        assertEquals(100, batches.get(0).rows);
    }

    @Test
    void poll_whenNoArrivalsExpected_dispatchesAtOnce() {
        f.live(1, 100 * MS, 0);

        List<Batch> batches = f.poll(0);

        assertEquals(1, batches.size());
        assertEquals("no-arrivals", batches.get(0).reason);
    }

    /**
     * When the arrival rate would keep the instance busy most of the time even at the batch the
     * deadline allows (here about 11,600 rows/s against 8.4 ms for 128 rows: 76%), a request
     * that could wait for a larger batch waits only until it has used half of its time to wait,
     * then runs with what queued; with the same requests five times further apart (about 5,000
     * rows/s: 33%) it waits longer, until the latest start that keeps its deadline.
     */
    @Test
    void poll_whenTheTrafficWouldKeepTheInstanceBusy_waitsHalfItsTimeThenRunsWhatQueued() {
        Fixture heavy = Fixture.config(Policy.SLO).maxBatchSize(128).fixture().seedLatency(2 * MS, 50 * US);
        Fixture light = Fixture.config(Policy.SLO).maxBatchSize(128).fixture().seedLatency(2 * MS, 50 * US);
        long t = 0;
        for (int k = 0; k < 60; k++) {
            for (Fixture x : List.of(heavy, light)) {
                long at = k * (x == heavy ? 5 : 25) * MS;
                x.live(128, 100 * MS, at);
                List<Batch> full = x.poll(at);
                assertEquals("full", full.get(0).reason);
                x.execute(full.get(0), at, at + x.scheduler.latency().predict(128));
            }
        }
        long heavyNow = 60 * 5 * MS;
        long lightNow = 60 * 25 * MS;
        // 30 ms budgets, so that 128 rows would not queue before the heavy one's halfway point.
        Pending heavyFirst = heavy.live(8, 30 * MS, heavyNow);
        light.live(8, 30 * MS, lightNow);

        assertTrue(light.poll(lightNow).isEmpty(), "at the lower rate it waits for more rows");
        assertTrue(heavy.poll(heavyNow).isEmpty(), "at the higher rate it waits too, for a while");
        long heavyWait = heavy.scheduler.wakeAt() - heavyNow;
        long lightWait = light.scheduler.wakeAt() - lightNow;
        // The heavy one expects a full batch by its latest start, and waits half as long as that.
        long heavyLatest = heavy.scheduler.policy().reservedDeadline(heavyFirst) - MS
                - heavy.scheduler.latency().predict(128);
        assertEquals((heavyLatest - heavyNow) / 2.0, heavyWait, 0.25 * MS);
        assertTrue(heavyWait > 0 && heavyWait < lightWait, "waits " + heavyWait + " and " + lightWait);

        List<Batch> batches = heavy.poll(heavy.scheduler.wakeAt());
        assertEquals(1, batches.size());
        assertEquals("busy", batches.get(0).reason);
        assertEquals(8, batches.get(0).rows);
    }

    @Test
    void poll_whenFull_dispatchesFull() {
        f.live(100, 1000 * MS - 1, 0);
        f.live(100, 1000 * MS - 1, 0);

        List<Batch> batches = f.poll(0);

        assertEquals(1, batches.size());
        assertEquals("full", batches.get(0).reason);
        assertEquals(128, batches.get(0).rows);
    }

    /**
     * Requests that finished in the last tenth of their budget make the policy keep more of the
     * next budgets in reserve, so it plans to start earlier than after the same runs in time.
     */
    @Test
    void poll_afterRequestsFinishedLate_plansToStartEarlier() {
        Fixture late = Fixture.config(Policy.SLO).maxBatchSize(128).fixture().seedLatency(2 * MS, 50 * US);
        Fixture inTime = Fixture.config(Policy.SLO).maxBatchSize(128).fixture().seedLatency(2 * MS, 50 * US);
        for (int k = 0; k < 20; k++) {
            long t = k * 500 * MS;
            late.live(1, 40 * MS, t);
            inTime.live(1, 100 * MS, t);
            for (Fixture f : List.of(late, inTime)) {
                List<Batch> batches = f.poll(t);
                assertEquals(1, batches.size());
                f.execute(batches.get(0), t + 36 * MS, t + 38 * MS); // a 2 ms run that started late
            }
        }
        long now = 30_000 * MS;
        late.live(100, 40 * MS, now);
        inTime.live(100, 40 * MS, now);

        assertTrue(late.poll(now).isEmpty());
        assertTrue(inTime.poll(now).isEmpty());

        long lateWait = late.scheduler.wakeAt() - now;
        long inTimeWait = inTime.scheduler.wakeAt() - now;
        assertTrue(lateWait + 5 * MS < inTimeWait, "waits " + lateWait + " and " + inTimeWait);
    }

    @Test
    void poll_whenLargerRunsAreSlowerPerRow_dispatchesAtTheEfficientSize() {
        Fixture scorerLike = Fixture.config(Policy.SLO).maxBatchSize(128).fixture();
        scorerLike.scheduler.latency().observe(1, 2 * MS);
        scorerLike.scheduler.latency().observe(64, 11 * MS);
        scorerLike.scheduler.latency().observe(128, 25 * MS);
        scorerLike.live(100, 1000 * MS - 1, 0);

        List<Batch> batches = scorerLike.poll(0);

        assertEquals(1, batches.size());
        assertEquals("full", batches.get(0).reason);
        assertEquals(64, batches.get(0).rows);
    }
}
