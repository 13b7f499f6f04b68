package io.batchwise.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor: datatype, shape and row-major little-endian element bytes.
 *
 * <p>Keeping every datatype as raw bytes makes row batching a byte copy: rows of several
 * requests are concatenated along dimension 0 and outputs are sliced back by byte offsets,
 * whatever the element type.
 */
public final class Tensor {
    private final String name;
    private final DataType type;
    private final long[] shape;
    private final ByteBuffer data;

    private Tensor(String name, DataType type, long[] shape, ByteBuffer data) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.shape = shape.clone();
        this.data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Wraps element bytes (position to limit) as a tensor, checking that their length matches
     * the shape.
     *
     * @throws InvalidInput when the shape has a negative dimension or the byte count is wrong
     */
    public static Tensor of(String name, DataType type, long[] shape, ByteBuffer data) {
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidInput("input '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
        }
        ByteBuffer slice = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (type.fixedSize()) {
            long expected = Math.multiplyExact(elementCount(shape), type.byteSize());
            if (expected != slice.remaining()) {
                throw new InvalidInput("input '" + name + "': shape " + Arrays.toString(shape) + " of " + type
                        + " needs " + expected + " bytes but " + slice.remaining() + " were given");
            }
        } else {
            checkBytesElements(name, shape, slice);
        }
        return new Tensor(name, type, shape, slice);
    }

    /** Convenience factory for FP32 data. */
    public static Tensor ofFloats(String name, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return of(name, DataType.FP32, shape, b);
    }

    /** Convenience factory for INT64 data. */
    public static Tensor ofLongs(String name, long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return of(name, DataType.INT64, shape, b);
    }

    private static void checkBytesElements(String name, long[] shape, ByteBuffer data) {
        long count = elementCount(shape);
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            if (b.remaining() < 4) {
                throw new InvalidInput("input '" + name + "': BYTES data holds fewer than " + count + " elements");
            }
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new InvalidInput("input '" + name + "': BYTES element " + i + " is truncated");
            }
            b.position(b.position() + len);
        }
        if (b.hasRemaining()) {
            throw new InvalidInput("input '" + name + "': BYTES data holds more than " + count + " elements");
        }
    }

    /** Number of elements a shape holds. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String name() {
        return name;
    }

    public DataType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Size of dimension 0, the row (batch) dimension; 1 for a scalar. */
    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    public long elementCount() {
        return elementCount(shape);
    }

    /** A read-only little-endian view of the element bytes, positioned at 0. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public int byteSize() {
        return data.remaining();
    }

    /** The same data under another name. */
    public Tensor renamed(String newName) {
        return new Tensor(newName, type, shape, data);
    }

    /** Element values widened to double, for tests and reports (not BYTES). */
    public double[] toDoubles() {
        return TensorValues.toDoubles(this);
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + type + " " + Arrays.toString(shape) + "]";
    }
}
