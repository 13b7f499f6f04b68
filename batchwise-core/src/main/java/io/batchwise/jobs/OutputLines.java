package io.batchwise.jobs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.ByteArrayOutputStream;

/**
 * The lines of a batch's output and error files, in OpenAI's format:
 * {@code {"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}}.
 * A request that ran (or was rejected as a live request would be) has a response and a null
 * error; one that never ran (expired, unreadable line) has a null response and an error.
 */
public final class OutputLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputLines() {
    }

    /** A line with a response; {@code body} is compact JSON written as is. */
    public static byte[] response(String id, String customId, int status, String requestId, String body) {
        return write(id, customId, g -> {
            g.writeObjectFieldStart("response");
            g.writeNumberField("status_code", status);
            g.writeStringField("request_id", requestId);
            g.writeFieldName("body");
            g.writeRawValue(body);
            g.writeEndObject();
            g.writeNullField("error");
        });
    }

    /** A line for a request that did not run. */
    public static byte[] error(String id, String customId, String code, String message) {
        return write(id, customId, g -> {
            g.writeNullField("response");
            g.writeObjectFieldStart("error");
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeEndObject();
        });
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(String id, String customId, Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("custom_id", customId);
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }
}
