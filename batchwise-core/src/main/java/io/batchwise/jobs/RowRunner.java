package io.batchwise.jobs;

import io.batchwise.runtime.InferenceResponse;
import io.batchwise.schedule.Submission;
import java.util.concurrent.CompletableFuture;

/**
 * Where a batch's rows run. A server passes its {@code Scheduler} ({@code scheduler::submit}), so
 * bulk rows share the instances with live traffic on the scheduler's terms; an offline run, with
 * no live traffic to protect, passes a {@link FullBatchRunner}.
 */
@FunctionalInterface
public interface RowRunner {
    /**
     * Submits rows; the future completes with the response or a typed error on every path. A
     * full queue is reported as {@code Overloaded}, which the engine answers with back-off.
     *
     * @param version the version asked for, or null for the served one
     */
    CompletableFuture<InferenceResponse> submit(String model, String version, Submission submission);
}
