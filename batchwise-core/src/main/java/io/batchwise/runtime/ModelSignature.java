package io.batchwise.runtime;

import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A model's inputs and outputs, read from the ONNX graph, and the validation of a request
 * against them. Dimension 0 of every input and output is the row (batch) dimension.
 */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * Checks a request's inputs and requested outputs and returns its row count.
     *
     * @throws InvalidInput naming the first problem found
     */
    public long validate(InferenceRequest request) {
        Set<String> seen = new HashSet<>();
        long rows = -1;
        for (Tensor t : request.inputs()) {
            TensorSpec spec = input(t.name());
            if (spec == null) {
                throw new InvalidInput("unknown input '" + t.name() + "'; the model's inputs are " + names(inputs));
            }
            if (!seen.add(t.name())) {
                throw new InvalidInput("input '" + t.name() + "' given twice");
            }
            if (t.type() != spec.type()) {
                throw new InvalidInput("input '" + t.name() + "' has datatype " + t.type() + " but the model expects "
                        + spec.type());
            }
            if (!spec.accepts(t.shape())) {
                throw new InvalidInput("input '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                        + " but the model expects " + Arrays.toString(spec.shape()) + " (-1 = any)");
            }
            if (t.shape().length == 0) {
                throw new InvalidInput("input '" + t.name() + "' must have a row dimension");
            }
            if (rows >= 0 && t.rows() != rows) {
                throw new InvalidInput("inputs disagree on the number of rows: '" + t.name() + "' has " + t.rows()
                        + ", others " + rows);
            }
            rows = t.rows();
        }
        for (TensorSpec spec : inputs) {
            if (!seen.contains(spec.name())) {
                throw new InvalidInput("missing input '" + spec.name() + "' (" + spec.type() + " "
                        + Arrays.toString(spec.shape()) + ")");
            }
        }
        for (String out : request.outputs()) {
            if (output(out) == null) {
                throw new InvalidInput("unknown output '" + out + "'; the model's outputs are " + names(outputs));
            }
        }
        if (rows == 0) {
            throw new InvalidInput("request has no rows");
        }
        return rows;
    }

    /** The input spec of that name, or null. */
    public TensorSpec input(String name) {
        return inputs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** The output spec of that name, or null. */
    public TensorSpec output(String name) {
        return outputs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    private static List<String> names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).toList();
    }
}
