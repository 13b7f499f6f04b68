package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig.Policy;
import io.batchwise.model.QueueConfig.TimeoutAction;
import io.batchwise.tensor.InvalidInput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Admission: queue bounds, infeasible deadlines, and the class and budget of a live request. */
class AdmissionTest {
    private final Fixture f = Fixture.config(Policy.SLO).maxRows(10).fixture();

    private Pending admit(Map<String, Object> parameters) {
        return f.scheduler.admit(Submission.live(f.request(1, 4, 0, parameters)), 0);
    }

    @Test
    void admit_beyondQueueMaxRows_throwsOverloadedWithRetryAfter() {
        f.live(6, 100 * MS, 0);

        Overloaded e = assertThrows(Overloaded.class, () -> f.live(5, 100 * MS, 0));

        assertTrue(e.retryAfterSeconds() >= 1, "Retry-After " + e.retryAfterSeconds());
        assertEquals(6, f.scheduler.queuedLiveRows(), "the rejected rows were not queued");
    }

    @Test
    void admit_infeasibleDeadlineUnderReject_throwsDeadlineExceeded() {
        f.seedLatency(10 * MS, 0);
        f.live(1, 100 * MS, 0);
        f.poll(0);

        DeadlineExceeded e = assertThrows(DeadlineExceeded.class, () -> f.live(1, 5 * MS, 0));

        assertTrue(e.retryAfterSeconds() >= 1);
        assertEquals(0, f.scheduler.queuedLiveRows());
    }

    @Test
    void admit_tightBudgetWithNothingAheadAndAnInstanceFree_admitsSoTheLatencyModelKeepsLearning() {
        // A slow spell can push the learned p90 above every budget; refusing requests on t(n)
        // alone would then stop all runs, and the estimate could never come back down.
        f.seedLatency(10 * MS, 0);

        Pending p = f.live(1, 5 * MS, 0);

        assertEquals(1, f.poll(0).size());
        assertEquals(1, p.rows);
    }

    @Test
    void admit_infeasibleDeadlineUnderDelay_admitsAndRunsLate() {
        Fixture delay = Fixture.config(Policy.SLO).timeoutAction(TimeoutAction.DELAY).fixture()
                .seedLatency(10 * MS, 0);
        Pending p = delay.live(1, 5 * MS, 0);

        List<Batch> batches = delay.poll(0);
        delay.execute(batches.get(0), 0, 10 * MS);

        assertEquals(1, p.future.join().outputs().get(0).rows());
        assertEquals(List.of(new Fixture.Recorder.Done(ServiceClass.INTERACTIVE, Outcome.SUCCESS, 1, false)),
                delay.listener.done);
    }

    @Test
    void admit_timeoutParameter_isBudgetInMicroseconds() {
        Pending p = admit(Map.of("timeout", 2500));

        assertEquals(2_500_000, p.deadline);
        assertEquals(ServiceClass.INTERACTIVE, p.serviceClass);
    }

    @Test
    void admit_noTimeout_usesLatencyTarget() {
        assertEquals(100 * MS, admit(Map.of()).deadline);
    }

    @Test
    void admit_priorityDeferred_isDeferred() {
        assertEquals(ServiceClass.DEFERRED, admit(Map.of("timeout", "2500", "priority", "deferred")).serviceClass);
    }

    @Test
    void admit_budgetAtDeferredThreshold_isDeferred() {
        assertEquals(ServiceClass.DEFERRED, admit(Map.of("timeout", 1_000_000)).serviceClass);
        assertEquals(ServiceClass.INTERACTIVE, admit(Map.of("timeout", 999_999)).serviceClass);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "0", "-5", "2.5", ""})
    void admit_badTimeout_throwsInvalidInput(String timeout) {
        InvalidInput e = assertThrows(InvalidInput.class, () -> admit(Map.of("timeout", timeout)));

        assertTrue(e.getMessage().contains("parameters.timeout"), e.getMessage());
        assertEquals(0, f.scheduler.queuedLiveRows());
    }

    @Test
    void admit_badPriority_throwsInvalidInput() {
        assertThrows(InvalidInput.class, () -> admit(Map.of("priority", "bulk")));
        assertFalse(f.scheduler.queuedLiveRows() > 0);
    }

    @Test
    void admit_policyNoneWithMultiRowRequests_estimatesOneRunPerRequestAhead() {
        // t(n) = 2 ms + 0.1 ms per row: a run of 8 rows takes 2.8 ms, eight runs of one row 16 ms.
        Fixture none = Fixture.config(Policy.NONE).maxBatchSize(128).fixture().seedLatency(2 * MS, MS / 10);
        none.live(8, 1000 * MS, 0);
        none.poll(0);
        for (int i = 0; i < 4; i++) {
            none.live(8, 19 * MS, 0);
        }

        // Four 8-row requests ahead are 4 x 2.8 ms of work (not 32 one-row runs, 67 ms), plus the
        // run in flight and its own: within 20 ms.
        Pending p = none.live(8, 20 * MS, 0);

        assertEquals(8, p.rows);
    }
}
