package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig.Policy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code policy: window}: Triton's dynamic batcher semantics, on a fake clock. */
class WindowPolicyTest {
    private final Fixture f = Fixture.config(Policy.WINDOW).maxBatchSize(16).maxQueueDelay(Duration.ofMillis(5))
            .preferred(8).fixture();

    @Test
    void poll_beforeMaxQueueDelay_waitsUntilOldestArrivalPlusDelay() {
        f.live(3, 100 * MS, 0);

        assertTrue(f.poll(0).isEmpty());
        assertEquals(5 * MS, f.scheduler.wakeAt());
        assertTrue(f.poll(5 * MS - 1).isEmpty());
    }

    @Test
    void poll_atMaxQueueDelayCountedFromArrival_dispatchesWindow() {
        Pending first = f.live(2, 100 * MS, 1 * MS);
        assertTrue(f.poll(1 * MS).isEmpty());
        Pending second = f.live(3, 100 * MS, 4 * MS);
        assertTrue(f.poll(4 * MS).isEmpty(), "the later arrival does not restart the window");

        List<Batch> batches = f.poll(6 * MS);

        assertEquals(1, batches.size());
        assertEquals("window", batches.get(0).reason);
        assertEquals(List.of(first.request.id(), second.request.id()), Fixture.ids(batches.get(0)));
        assertEquals(5, batches.get(0).rows);
    }

    @Test
    void poll_atPreferredSize_dispatchesAtOnce() {
        f.live(4, 100 * MS, 0);
        assertTrue(f.poll(0).isEmpty());
        f.live(4, 100 * MS, 1 * MS);

        List<Batch> batches = f.poll(1 * MS);

        assertEquals(1, batches.size());
        assertEquals("preferred", batches.get(0).reason);
        assertEquals(8, batches.get(0).rows);
    }

    @Test
    void poll_atMaxBatchSize_dispatchesFull() {
        f.live(10, 100 * MS, 0);
        f.live(10, 100 * MS, 0);

        List<Batch> batches = f.poll(0);

        assertEquals(1, batches.size());
        assertEquals("full", batches.get(0).reason);
        assertEquals(16, batches.get(0).rows);
        assertEquals(4, f.scheduler.queuedLiveRows());
    }
}
