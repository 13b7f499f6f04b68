package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Tensors of every datatype holding each type's edge values, and comparison by bytes. */
final class SampleTensors {
    static final long[] SHAPE = {2, 4};

    private SampleTensors() {
    }

    /** Eight elements of {@code type} in shape [2, 4], named {@code name}. */
    static Tensor sample(String name, DataType type) {
        switch (type) {
            case BOOL: return fixed(name, type, 1, 0, 1, 1, 0, 0, 1, 0);
            case UINT8: return fixed(name, type, 0, 255, 1, 128, 7, 200, 3, 99);
            case INT8: return fixed(name, type, -128, 127, 0, -1, 5, 100, -7, 8);
            case INT16: return fixed(name, type, Short.MIN_VALUE, Short.MAX_VALUE, 0, -1, 300, -300, 7, 8);
            case INT32: return fixed(name, type, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 70000, -70000, 7, 8);
            case INT64: return longs(name, Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1L << 53, -(1L << 40), 7, 8);
            case FP16: return fixed(name, type, 1.5, -0.0, 65504, Double.NaN, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, 5.960464477539063E-8, -2.25);
            case FP32: return fixed(name, type, 1.5, -0.0, Float.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, Float.MIN_VALUE, 0.1f);
            case FP64: return fixed(name, type, 1.5, -0.0, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 0.1);
            case BYTES: return strings(name, SHAPE, "", "hello", "h\u00e9llo \u2713", "quote \" and \\ and\nnewline",
                    "\uD83D\uDE00", "x", "tab\t", "end");
            default: throw new IllegalArgumentException(type.toString());
        }
    }

    static Tensor fixed(String name, DataType type, double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (type) {
                case BOOL, UINT8, INT8 -> b.put((byte) v);
                case INT16 -> b.putShort((short) v);
                case INT32 -> b.putInt((int) v);
                case INT64 -> b.putLong((long) v);
                case FP16 -> b.putShort(TensorValues.floatToHalf((float) v));
                case FP32 -> b.putFloat((float) v);
                case FP64 -> b.putDouble(v);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return Tensor.of(name, type, SHAPE, b.flip());
    }

    static Tensor longs(String name, long... values) {
        return Tensor.ofLongs(name, SHAPE, values);
    }

    static Tensor strings(String name, long[] shape, String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : values) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
            out.writeBytes(utf8);
        }
        return Tensor.of(name, DataType.BYTES, shape, ByteBuffer.wrap(out.toByteArray()));
    }

    static byte[] bytes(Tensor t) {
        ByteBuffer b = t.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static void assertSameTensor(Tensor expected, Tensor actual) {
        assertEquals(expected.name(), actual.name(), "name");
        assertEquals(expected.type(), actual.type(), "datatype of " + expected.name());
        assertArrayEquals(expected.shape(), actual.shape(), "shape of " + expected.name());
        assertArrayEquals(bytes(expected), bytes(actual), "bytes of " + expected.name());
    }

    static void assertSameTensors(List<Tensor> expected, List<Tensor> actual) {
        assertEquals(expected.size(), actual.size(), "tensor count");
        for (int i = 0; i < expected.size(); i++) {
            assertSameTensor(expected.get(i), actual.get(i));
        }
    }
}
