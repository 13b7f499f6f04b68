package io.batchwise.schedule;

import io.batchwise.tensor.Rows;
import io.batchwise.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A shape bucket: the non-row dimensions of every input. Requests of different buckets never
 * share a run, since ONNX Runtime needs one shape per input.
 */
record BucketKey(String signature) {
    static BucketKey of(List<Tensor> inputs) {
        StringBuilder b = new StringBuilder();
        for (Tensor t : inputs) {
            b.append(t.name()).append(Arrays.toString(Rows.rowShape(t.shape()))).append(';');
        }
        return new BucketKey(b.toString());
    }
}
