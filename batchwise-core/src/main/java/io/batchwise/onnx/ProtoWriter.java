package io.batchwise.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal protocol buffers encoder: just the wire format ONNX files need.
 *
 * <p>Wire format (https://protobuf.dev/programming-guides/encoding/): every field is a key
 * {@code (field_number << 3) | wire_type} as a varint followed by its value. Wire type 0 is a
 * varint (int32/int64/enum; negative numbers take ten bytes as two's complement), 2 is
 * length-delimited (strings, bytes, nested messages, packed repeated scalars: a varint byte
 * length then the bytes), 5 is a little-endian fixed32 (float).
 *
 * <p>Messages are built bottom-up in memory, because a nested message is prefixed by its
 * length. Only small messages go through here; the large initializer payloads are streamed by
 * {@link OnnxWriter}, which computes their lengths up front instead.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LEN = 2;
    private static final int FIXED32 = 5;

    private byte[] buf = new byte[64];
    private int size;

    /** An int32, int64 or enum field. */
    ProtoWriter varint(int field, long value) {
        key(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** A float field. */
    ProtoWriter float32(int field, float value) {
        key(field, FIXED32);
        rawFixed32(Float.floatToRawIntBits(value));
        return this;
    }

    /** A string field, UTF-8 encoded. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        lengthHeader(field, value.length);
        rawBytes(value, 0, value.length);
        return this;
    }

    /** A nested message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        lengthHeader(field, message.size);
        rawBytes(message.buf, 0, message.size);
        return this;
    }

    /** A packed repeated int64 field: one length-delimited run of varints. */
    ProtoWriter packedVarints(int field, long[] values) {
        long length = 0;
        for (long v : values) {
            length += varintSize(v);
        }
        lengthHeader(field, length);
        for (long v : values) {
            rawVarint(v);
        }
        return this;
    }

    /** A packed repeated float field: one length-delimited run of fixed32 values. */
    ProtoWriter packedFloats(int field, float[] values) {
        lengthHeader(field, 4L * values.length);
        for (float v : values) {
            rawFixed32(Float.floatToRawIntBits(v));
        }
        return this;
    }

    /**
     * The key and length of a length-delimited field whose payload the caller appends (or
     * streams) itself.
     */
    ProtoWriter lengthHeader(int field, long length) {
        key(field, LEN);
        rawVarint(length);
        return this;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
    }

    /** Bytes a varint takes; negative values take ten, as protobuf sign-extends them to 64 bits. */
    static int varintSize(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /** Bytes the key plus length prefix of a length-delimited field take. */
    static int lengthHeaderSize(int field, long length) {
        return varintSize((long) field << 3) + varintSize(length);
    }

    private void key(int field, int wireType) {
        if (field < 1) {
            throw new IllegalArgumentException("field number must be positive: " + field);
        }
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
    }

    private void rawFixed32(int bits) {
        ensure(4);
        buf[size++] = (byte) bits;
        buf[size++] = (byte) (bits >>> 8);
        buf[size++] = (byte) (bits >>> 16);
        buf[size++] = (byte) (bits >>> 24);
    }

    private void rawBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
