package io.batchwise.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * What front ends call to run a request. The future completes with the response or with a
 * typed error ({@link ModelNotFound}, {@link ModelNotReady}, {@code InvalidInput}, ...).
 */
public interface InferenceService extends AutoCloseable {
    /**
     * Submits a request for a model.
     *
     * @param version the version asked for, or null for the served one
     */
    CompletableFuture<InferenceResponse> infer(String model, String version, InferenceRequest request);

    @Override
    void close();
}
