package io.batchwise.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RowsTest {
    @Test
    void concat_threeParts_stacksRowsInOrder() {
        Tensor a = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);
        Tensor b = Tensor.ofFloats("x", new long[] {2, 2}, 3, 4, 5, 6);
        Tensor c = Tensor.ofFloats("x", new long[] {1, 2}, 7, 8);
        Tensor all = Rows.concat(List.of(a, b, c));
        assertArrayEquals(new long[] {4, 2}, all.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, all.toDoubles());
        assertEquals("x", all.name());
        assertEquals(DataType.FP32, all.type());
    }

    @Test
    void concat_doesNotChangeItsParts() {
        Tensor a = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);
        Rows.concat(List.of(a, a));
        assertArrayEquals(new long[] {1, 2}, a.shape());
    }

    @Test
    void concat_differentRowShapes_throws() {
        Tensor a = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);
        Tensor b = Tensor.ofFloats("x", new long[] {1, 3}, 1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> Rows.concat(List.of(a, b)));
    }

    @Test
    void concat_differentTypes_throws() {
        Tensor a = Tensor.ofFloats("x", new long[] {1, 1}, 1);
        Tensor b = Tensor.ofLongs("x", new long[] {1, 1}, 1);
        assertThrows(IllegalArgumentException.class, () -> Rows.concat(List.of(a, b)));
    }

    @Test
    void concat_nothing_throws() {
        assertThrows(IllegalArgumentException.class, () -> Rows.concat(List.of()));
    }

    @Test
    void slice_middleRows_givesThoseRows() {
        Tensor t = Tensor.ofLongs("x", new long[] {4, 2}, 0, 1, 10, 11, 20, 21, 30, 31);
        Tensor s = Rows.slice(t, 1, 2);
        assertArrayEquals(new long[] {2, 2}, s.shape());
        assertArrayEquals(new double[] {10, 11, 20, 21}, s.toDoubles());
        assertEquals(0, Rows.slice(t, 4, 0).byteSize());
    }

    @Test
    void slice_outOfRange_throws() {
        Tensor t = Tensor.ofLongs("x", new long[] {2, 1}, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> Rows.slice(t, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Rows.slice(t, -1, 1));
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void splitAfterConcat_anyDatatype_givesThePartsBack(DataType type) {
        List<Tensor> parts = List.of(sample(type, 1, 0), sample(type, 3, 10), sample(type, 2, 40));
        Tensor all = Rows.concat(parts);
        assertEquals(6, all.rows());
        List<Tensor> back = Rows.split(all, new long[] {1, 3, 2});
        assertEquals(3, back.size());
        for (int i = 0; i < parts.size(); i++) {
            assertArrayEquals(parts.get(i).shape(), back.get(i).shape());
            assertArrayEquals(bytes(parts.get(i)), bytes(back.get(i)), type + " part " + i);
        }
    }

    @Test
    void split_bytesTensor_keepsVariableLengthElements() {
        Tensor t = strings(new long[] {3, 2}, "a", "", "ccc", "dddd", "é", "ffffff");
        List<Tensor> parts = Rows.split(t, new long[] {2, 0, 1});
        assertEquals(List.of("a", "", "ccc", "dddd"), decode(parts.get(0)));
        assertEquals(List.of(), decode(parts.get(1)));
        assertEquals(List.of("é", "ffffff"), decode(parts.get(2)));
        assertArrayEquals(new long[] {1, 2}, parts.get(2).shape());
    }

    @Test
    void rowShape_dropsTheRowDimension() {
        assertArrayEquals(new long[] {3, 4}, Rows.rowShape(new long[] {2, 3, 4}));
        assertArrayEquals(new long[] {}, Rows.rowShape(new long[] {5}));
        assertArrayEquals(new long[] {}, Rows.rowShape(new long[] {}));
    }

    /** {@code rows} rows of 2 elements of the type, values from {@code start}. */
    static Tensor sample(DataType type, int rows, int start) {
        long[] shape = {rows, 2};
        if (type == DataType.BYTES) {
            String[] values = new String[rows * 2];
            for (int i = 0; i < values.length; i++) {
                values[i] = "s".repeat((start + i) % 5) + (start + i);
            }
            return strings(shape, values);
        }
        ByteBuffer b = ByteBuffer.allocate(rows * 2 * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * 2; i++) {
            int v = start + i;
            switch (type) {
                case BOOL -> b.put((byte) (v % 2));
                case UINT8, INT8 -> b.put((byte) v);
                case INT16 -> b.putShort((short) -v);
                case FP16 -> b.putShort(TensorValues.floatToHalf(v * 0.5f));
                case INT32 -> b.putInt(-v);
                case FP32 -> b.putFloat(v * 0.25f);
                case INT64 -> b.putLong(-v * 1_000_000_000_000L);
                case FP64 -> b.putDouble(v / 3.0);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        b.flip();
        return Tensor.of("x", type, shape, b);
    }

    static Tensor strings(long[] shape, String... values) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) {
            byte[] s = v.getBytes(StandardCharsets.UTF_8);
            b.putInt(s.length).put(s);
        }
        b.flip();
        return Tensor.of("x", DataType.BYTES, shape, b);
    }

    static List<String> decode(Tensor t) {
        List<String> out = new ArrayList<>();
        ByteBuffer b = t.data();
        while (b.hasRemaining()) {
            byte[] s = new byte[b.getInt()];
            b.get(s);
            out.add(new String(s, StandardCharsets.UTF_8));
        }
        return out;
    }

    static byte[] bytes(Tensor t) {
        ByteBuffer b = t.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
