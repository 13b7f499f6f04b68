package io.batchwise.spark;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.TensorValues;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A growable little-endian buffer of one input's elements for a batch of rows, written value
 * by value in the input's datatype. Reused from batch to batch.
 */
final class ElementBuffer {
    private final DataType type;
    private ByteBuffer buf;
    private long elements;

    ElementBuffer(DataType type, int initialBytes) {
        this.type = type;
        this.buf = ByteBuffer.allocate(Math.max(initialBytes, 64)).order(ByteOrder.LITTLE_ENDIAN);
    }

    DataType type() {
        return type;
    }

    /** Bytes written so far. */
    int position() {
        return buf.position();
    }

    /** Elements written so far. */
    long elements() {
        return elements;
    }

    /** Drops everything written after a mark (a row that turned out bad). */
    void reset(int position, long elementCount) {
        buf.position(position);
        elements = elementCount;
    }

    void clear() {
        buf.clear();
        elements = 0;
    }

    /** The bytes {@code [from, to)}, copied. */
    ByteBuffer copy(int from, int to) {
        ByteBuffer out = ByteBuffer.allocate(to - from).order(ByteOrder.LITTLE_ENDIAN);
        out.put(buf.duplicate().position(from).limit(to));
        return out.flip();
    }

    /** Everything written, as a view (valid until the next write). */
    ByteBuffer written() {
        return buf.duplicate().flip();
    }

    /** Appends one value: a Java number, a Boolean, or a String for BYTES inputs. */
    void put(Object value, String column) {
        if (type == DataType.BYTES) {
            if (!(value instanceof String s)) {
                throw new BadRow(column + " holds " + value.getClass().getSimpleName()
                        + " but the model input takes strings (BYTES)");
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            ensure(4 + bytes.length);
            buf.putInt(bytes.length).put(bytes);
            elements++;
            return;
        }
        if (value instanceof Boolean bool) {
            putLong(bool ? 1 : 0);
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            putDouble(((Number) value).doubleValue());
        } else if (value instanceof Number n) {
            putLong(n.longValue());
        } else {
            throw new BadRow(column + " holds " + value.getClass().getSimpleName() + ", not a number");
        }
    }

    /** Appends a floating-point value, converted to the input's type. */
    void putDouble(double v) {
        ensure(8);
        switch (type) {
            case FP32 -> buf.putFloat((float) v);
            case FP64 -> buf.putDouble(v);
            case FP16 -> buf.putShort(TensorValues.floatToHalf((float) v));
            default -> {
                if (v != Math.rint(v) || Double.isInfinite(v)) {
                    throw new BadRow("value " + v + " is not a whole number but the model input is " + type);
                }
                putIntegral((long) v);
                return;
            }
        }
        elements++;
    }

    /** Appends an integral value, converted to the input's type. */
    void putLong(long v) {
        ensure(8);
        switch (type) {
            case FP32 -> buf.putFloat(v);
            case FP64 -> buf.putDouble(v);
            case FP16 -> buf.putShort(TensorValues.floatToHalf(v));
            default -> {
                putIntegral(v);
                return;
            }
        }
        elements++;
    }

    private void putIntegral(long v) {
        switch (type) {
            case BOOL -> buf.put((byte) (v != 0 ? 1 : 0));
            case INT8, UINT8 -> buf.put((byte) v);
            case INT16 -> buf.putShort((short) v);
            case INT32 -> buf.putInt((int) v);
            case INT64 -> buf.putLong(v);
            default -> throw new IllegalStateException("not an integral type: " + type);
        }
        elements++;
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                    .order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }
}
