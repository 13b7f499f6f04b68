package io.batchwise.runtime;

import io.batchwise.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A protocol-neutral inference request: named input tensors (all with the same number of rows
 * in dimension 0), the outputs wanted (empty means all) and free-form request parameters.
 */
public record InferenceRequest(String id, List<Tensor> inputs, List<String> outputs, Map<String, Object> parameters) {
    public InferenceRequest {
        inputs = List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
}
