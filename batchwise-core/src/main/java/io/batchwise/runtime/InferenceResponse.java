package io.batchwise.runtime;

import io.batchwise.tensor.Tensor;
import java.util.List;

/** A protocol-neutral inference response. */
public record InferenceResponse(String id, String modelName, String modelVersion, List<Tensor> outputs) {
    public InferenceResponse {
        outputs = List.copyOf(outputs);
    }
}
