package io.batchwise.http;

import io.batchwise.runtime.InferenceRequest;
import java.util.Objects;

/**
 * A decoded {@code POST /v2/models/{m}/infer} body: the protocol-neutral request plus how its
 * outputs should be encoded in the response.
 *
 * @param request the inputs, requested outputs, id and parameters
 * @param binaryOutputs which outputs the client wants as binary data
 */
public record DecodedInfer(InferenceRequest request, BinaryOutputs binaryOutputs) {
    public DecodedInfer {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(binaryOutputs, "binaryOutputs");
    }
}
