package io.batchwise.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a tensor object ({@code $request_input} or {@code $response_output}): inline JSON data,
 * flat in row-major order, or a {@code binary_data_size} parameter when its bytes follow the JSON.
 *
 * <p>NaN and the infinities are written as the strings "NaN", "Infinity" and "-Infinity" so the
 * body stays valid JSON; the readers accept them back. BYTES elements are written as strings,
 * decoded as UTF-8 (malformed sequences become U+FFFD); binary data carries arbitrary bytes exactly.
 */
final class JsonTensorWriter {
    private JsonTensorWriter() {
    }

    static void write(JsonGenerator g, Tensor t, boolean binary) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", t.name());
        g.writeStringField("datatype", t.type().wireName());
        long[] shape = t.shape();
        g.writeFieldName("shape");
        g.writeArray(shape, 0, shape.length);
        if (binary) {
            g.writeObjectFieldStart("parameters");
            g.writeNumberField("binary_data_size", t.byteSize());
            g.writeEndObject();
        } else {
            g.writeFieldName("data");
            writeData(g, t);
        }
        g.writeEndObject();
    }

    private static void writeData(JsonGenerator g, Tensor t) throws IOException {
        ByteBuffer b = t.data();
        int n = Math.toIntExact(t.elementCount());
        g.writeStartArray();
        switch (t.type()) {
            case BOOL:
                for (int i = 0; i < n; i++) {
                    g.writeBoolean(b.get(i) != 0);
                }
                break;
            case UINT8:
                for (int i = 0; i < n; i++) {
                    g.writeNumber(b.get(i) & 0xff);
                }
                break;
            case INT8:
                for (int i = 0; i < n; i++) {
                    g.writeNumber(b.get(i));
                }
                break;
            case INT16:
                for (int i = 0; i < n; i++) {
                    g.writeNumber(b.getShort(i * 2));
                }
                break;
            case INT32:
                for (int i = 0; i < n; i++) {
                    g.writeNumber(b.getInt(i * 4));
                }
                break;
            case INT64:
                for (int i = 0; i < n; i++) {
                    g.writeNumber(b.getLong(i * 8));
                }
                break;
            case FP16:
                for (int i = 0; i < n; i++) {
                    JsonValues.writeFloat(g, TensorValues.halfToFloat(b.getShort(i * 2)));
                }
                break;
            case FP32:
                for (int i = 0; i < n; i++) {
                    JsonValues.writeFloat(g, b.getFloat(i * 4));
                }
                break;
            case FP64:
                for (int i = 0; i < n; i++) {
                    JsonValues.writeDouble(g, b.getDouble(i * 8));
                }
                break;
            case BYTES:
                writeStrings(g, b, n);
                break;
            default:
                throw new IllegalStateException("unhandled datatype " + t.type());
        }
        g.writeEndArray();
    }

    private static void writeStrings(JsonGenerator g, ByteBuffer b, int n) throws IOException {
        byte[] scratch = new byte[0];
        for (int i = 0; i < n; i++) {
            int len = b.getInt();
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, scratch.length * 2)];
            }
            b.get(scratch, 0, len);
            g.writeString(new String(scratch, 0, len, StandardCharsets.UTF_8));
        }
    }
}
