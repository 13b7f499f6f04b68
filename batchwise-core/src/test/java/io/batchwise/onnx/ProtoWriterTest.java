package io.batchwise.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected bytes are the worked examples of the protobuf encoding guide. */
class ProtoWriterTest {

    @Test
    void varint_150_encodesAsInGuide() {
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().varint(1, 150).toByteArray());
    }

    @Test
    void varint_negative_takesTenBytes() {
        byte[] b = new ProtoWriter().varint(1, -1).toByteArray();
        assertEquals(11, b.length);
        assertEquals(0x01, b[10]);
        assertEquals(10, ProtoWriter.varintSize(-1));
    }

    @Test
    void string_testing_encodesAsInGuide() {
        assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
                new ProtoWriter().string(2, "testing").toByteArray());
    }

    @Test
    void message_nested_isLengthPrefixed() {
        ProtoWriter inner = new ProtoWriter().varint(1, 150);
        assertArrayEquals(bytes(0x1a, 0x03, 0x08, 0x96, 0x01), new ProtoWriter().message(3, inner).toByteArray());
    }

    @Test
    void packedVarints_guideExample_isOneLengthDelimitedRun() {
        assertArrayEquals(bytes(0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05),
                new ProtoWriter().packedVarints(4, new long[] {3, 270, 86942}).toByteArray());
    }

    @Test
    void float32_one_isLittleEndianFixed32() {
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().float32(2, 1.0f).toByteArray());
    }

    @Test
    void lengthHeaderSize_largeField_matchesWrittenHeader() {
        long length = 100_000_000L;
        assertEquals(new ProtoWriter().lengthHeader(9, length).size(), ProtoWriter.lengthHeaderSize(9, length));
        assertEquals(new ProtoWriter().lengthHeader(20, 5).size(), ProtoWriter.lengthHeaderSize(20, 5));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
