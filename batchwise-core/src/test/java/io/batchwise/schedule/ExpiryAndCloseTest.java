package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig.Policy;
import io.batchwise.runtime.ModelNotReady;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests that leave without running: expired in the queue, or failed by close. */
class ExpiryAndCloseTest {
    @Test
    void poll_afterDeadlinePassedInQueue_failsWithDeadlineExceededAndNeverRuns() {
        Fixture f = Fixture.config(Policy.WINDOW).maxQueueDelay(Duration.ofMillis(50)).fixture();
        Pending late = f.live(2, 10 * MS, 0);
        Pending patient = f.live(2, 500 * MS, 0);
        assertTrue(f.poll(0).isEmpty());

        assertTrue(f.poll(11 * MS).isEmpty());
        f.drain();
        List<Batch> batches = f.poll(50 * MS);

        assertInstanceOf(DeadlineExceeded.class, Fixture.failure(late.future));
        assertEquals(List.of(patient.request.id()), Fixture.ids(batches.get(0)));
        assertEquals(List.of(new Fixture.Recorder.Done(ServiceClass.INTERACTIVE, Outcome.EXPIRED, 2, false)),
                f.listener.done);
    }

    @Test
    void poll_afterDeadlinePassedBetweenPiecesOfASplitRequest_runsNoMorePieces() {
        Fixture f = Fixture.config(Policy.SLO).maxBatchSize(16).fixture();
        Pending p = f.live(40, 10 * MS, 0);
        List<Batch> first = f.poll(0);
        assertEquals(16, first.get(0).rows);

        f.execute(first.get(0), 0, 20 * MS);
        List<Batch> after = f.poll(20 * MS);
        f.drain();

        assertTrue(after.isEmpty());
        assertInstanceOf(DeadlineExceeded.class, Fixture.failure(p.future));
        assertEquals(0, f.scheduler.queuedLiveRows());
    }

    @Test
    void close_withQueuedAndRunning_failsQueuedWithReasonAndCompletesRunning() {
        Fixture f = Fixture.config(Policy.NONE).fixture();
        Pending running = f.live(2, 100 * MS, 0);
        List<Batch> batches = f.poll(0);
        Pending queued = f.live(3, 100 * MS, MS);
        Pending bulk = f.bulk(5, MS);
        ModelNotReady reason = new ModelNotReady("model 'm' was unloaded");

        f.scheduler.close(reason, 2 * MS);
        f.drain();
        f.execute(batches.get(0), 0, 3 * MS);

        assertSame(reason, Fixture.failure(queued.future));
        assertSame(reason, Fixture.failure(bulk.future));
        assertEquals(2, running.future.join().outputs().get(0).rows());
        assertFalse(f.scheduler.running());
        assertEquals(0, f.scheduler.queuedLiveRows() + f.scheduler.queuedBulkRows());
        assertThrows(ModelNotReady.class, () -> f.live(1, 100 * MS, 4 * MS));
    }

    @Test
    void close_withASplitRequestPartlyRunning_failsItOnce() {
        Fixture f = Fixture.config(Policy.SLO).maxBatchSize(16).fixture();
        Pending p = f.live(40, 100 * MS, 0);
        List<Batch> batches = f.poll(0);
        ModelNotReady reason = new ModelNotReady("server is shutting down");

        f.scheduler.close(reason, MS);
        f.execute(batches.get(0), 0, 2 * MS);

        assertSame(reason, Fixture.failure(p.future));
        assertEquals(1, f.listener.done.size());
        assertEquals(Outcome.FAILED, f.listener.done.get(0).outcome());
    }
}
