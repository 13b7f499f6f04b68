package io.batchwise.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void of_byteCountNotMatchingShape_throwsInvalidInputNamingTheTensor() {
        InvalidInput e = assertThrows(InvalidInput.class,
                () -> Tensor.of("x", DataType.FP32, new long[] {2, 2}, ByteBuffer.allocate(12)));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("16"), e.getMessage());
    }

    @Test
    void of_negativeDimension_throwsInvalidInput() {
        assertThrows(InvalidInput.class, () -> Tensor.of("x", DataType.INT8, new long[] {-1, 2}, ByteBuffer.allocate(2)));
    }

    @Test
    void of_truncatedBytesElement_throwsInvalidInput() {
        ByteBuffer b = ByteBuffer.allocate(6).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(5).put((byte) 1).put((byte) 2);
        b.flip();
        assertThrows(InvalidInput.class, () -> Tensor.of("s", DataType.BYTES, new long[] {1}, b));
    }

    @Test
    void of_extraBytesElements_throwsInvalidInput() {
        Tensor two = RowsTest.strings(new long[] {2}, "a", "b");
        assertThrows(InvalidInput.class, () -> Tensor.of("s", DataType.BYTES, new long[] {1}, two.data()));
    }

    @Test
    void data_isReadOnlyAndIndependentOfTheCallersBuffer() {
        ByteBuffer src = ByteBuffer.allocate(4);
        Tensor t = Tensor.of("x", DataType.INT32, new long[] {1}, src);
        src.put(0, (byte) 7);
        assertTrue(t.data().isReadOnly());
        assertEquals(0, t.data().position());
        t.data().position(4); // a caller moving its view must not move the tensor's
        assertEquals(4, t.data().remaining());
    }

    @Test
    void shape_returnsACopy() {
        Tensor t = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);
        t.shape()[0] = 99;
        assertArrayEquals(new long[] {1, 2}, t.shape());
    }

    @Test
    void parse_datatypeNames_caseInsensitiveAndUnknownRejected() {
        assertEquals(DataType.FP16, DataType.parse("fp16"));
        InvalidInput e = assertThrows(InvalidInput.class, () -> DataType.parse("FLOAT32"));
        assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
        assertThrows(InvalidInput.class, () -> DataType.parse(null));
    }
}
