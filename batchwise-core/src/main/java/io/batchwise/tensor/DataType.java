package io.batchwise.tensor;

import java.util.Locale;

/**
 * Tensor element types, named as the KServe v2 / Open Inference Protocol names them.
 * Element data of every fixed-size type is held as little-endian bytes; BYTES elements are
 * variable length and carried as 4-byte little-endian length prefixes followed by the bytes.
 */
public enum DataType {
    BOOL(1), UINT8(1), INT8(1), INT16(2), INT32(4), INT64(8), FP16(2), FP32(4), FP64(8), BYTES(-1);

    private final int byteSize;

    DataType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element, or -1 for variable-length BYTES. */
    public int byteSize() {
        return byteSize;
    }

    /** True for types whose elements all have the same byte size. */
    public boolean fixedSize() {
        return byteSize > 0;
    }

    /** The protocol name, e.g. {@code FP32}. */
    public String wireName() {
        return name();
    }

    /**
     * Parses a protocol datatype name (case-insensitive).
     *
     * @throws InvalidInput when the name is not a supported datatype
     */
    public static DataType parse(String name) {
        if (name == null) {
            throw new InvalidInput("datatype is missing");
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("unsupported datatype '" + name + "'");
        }
    }
}
