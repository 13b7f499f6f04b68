package io.batchwise.schedule;

import io.batchwise.runtime.InferenceRequest;
import java.time.Duration;

/**
 * A request handed to the scheduler with how it is to be served.
 *
 * @param serviceClass the class, or null to derive it from the request's parameters and budget
 * @param budget       latency budget (deadline = arrival + budget), or null for the request's
 *                     {@code parameters.timeout} (microseconds) or the model's latency target
 * @param tag          optional client tag for cost attribution ({@code parameters.tag}), or null
 * @param jobId        the batch job these rows belong to (bulk), or null
 */
public record Submission(InferenceRequest request, ServiceClass serviceClass, Duration budget, String tag,
                         String jobId) {
    /** A live request whose class and budget come from its parameters. */
    public static Submission live(InferenceRequest request) {
        return new Submission(request, null, null, null, null);
    }

    /** Bulk rows of a batch job. */
    public static Submission bulk(InferenceRequest request, String jobId) {
        return new Submission(request, ServiceClass.BULK, null, null, jobId);
    }
}
