package io.batchwise.runtime;

import io.batchwise.tensor.DataType;
import java.util.Arrays;

/** Name, datatype and shape (-1 for a dynamic dimension) of a model input or output. */
public record TensorSpec(String name, DataType type, long[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** True when a concrete shape fits this spec's rank and fixed dimensions. */
    public boolean accepts(long[] concrete) {
        if (concrete.length != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0 && shape[i] != concrete[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && t.type == type && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}
