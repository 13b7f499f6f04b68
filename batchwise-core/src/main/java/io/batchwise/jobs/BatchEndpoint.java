package io.batchwise.jobs;

import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;

/**
 * An API a batch's lines can call ({@code /v1/embeddings}, {@code /v2/models/{m}/infer}): how a
 * line's body becomes a model request and how the model's answer becomes the response body
 * written to the output file. Implementations decode bodies the same way their live HTTP
 * endpoint does, so a batch line and a live request give the same answer.
 */
public interface BatchEndpoint {
    /** True when this endpoint serves batches created for {@code endpoint}. */
    boolean serves(String endpoint);

    /**
     * Checks, when a batch is created, that its endpoint can run here.
     *
     * @throws io.batchwise.runtime.ModelNotFound when it names a model that is not served
     * @throws io.batchwise.tensor.InvalidInput   when it cannot be served for another reason
     */
    void check(String endpoint);

    /**
     * Decodes one line into a model call.
     *
     * @param body the line's body: the raw UTF-8 JSON of an object (well-formed, already checked)
     * @throws RuntimeException (typically {@code InvalidInput} or {@code ModelNotFound}) when the
     *                          line cannot run; it is written to the error file
     */
    Call prepare(String url, byte[] body);

    /**
     * {@link #prepare(String, byte[])} for a body that is {@code bytes[from, to)} of a larger
     * array (the line it came in); endpoints that can decode it in place override this to save
     * copying it out.
     */
    default Call prepare(String url, byte[] bytes, int from, int to) {
        return prepare(url, java.util.Arrays.copyOfRange(bytes, from, to));
    }

    /** The response body of a failed line, in this API's error format. */
    String errorBody(RowFailure failure);

    /** One line's model call and how to encode its answer. */
    interface Call {
        String model();

        /** The model version asked for, or null for the served one. */
        default String version() {
            return null;
        }

        InferenceRequest request();

        /** The response body (compact JSON, one line) for the model's answer. */
        String responseBody(InferenceResponse response);
    }
}
