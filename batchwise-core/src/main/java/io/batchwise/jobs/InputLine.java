package io.batchwise.jobs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One request of a batch input file: {@code {"custom_id", "method", "url", "body"}}.
 *
 * <p>Lines are read with a streaming parser that checks the whole line is well-formed JSON but
 * builds no tree: the body is kept as its raw text, which the line's endpoint decodes with the
 * same codec its live HTTP route uses (for KServe bodies, straight into tensors).
 *
 * @param body the request body for {@code url}, as compact raw JSON text of an object
 */
public record InputLine(String customId, String method, String url, String body) {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** A line that is not a well-formed request. */
    public static final class Invalid extends Exception {
        final BatchError error;

        Invalid(BatchError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        /** What is wrong with the line, as the batch's errors report it. */
        public BatchError error() {
            return error;
        }
    }

    /**
     * Parses and checks a line (not yet its body, which its endpoint decodes when it runs).
     *
     * @param text     the line, or null when it is not valid UTF-8
     * @param endpoint the batch's endpoint, which every line's url must equal
     */
    public static InputLine parse(String text, long line, String endpoint) throws Invalid {
        int at = (int) line;
        if (text == null) {
            throw new Invalid(new BatchError("invalid_json_line", "line " + line + " is not valid UTF-8", null, at));
        }
        String customId = null;
        String method = null;
        String url = null;
        String body = null;
        boolean bodyNotObject = false;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid(new BatchError("invalid_json_line", "line " + line + " must be a JSON object with"
                        + " custom_id, method, url and body", null, at));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "custom_id" -> customId = string(p, value, field, line);
                    case "method" -> method = string(p, value, field, line);
                    case "url" -> url = string(p, value, field, line);
                    case "body" -> {
                        if (value == JsonToken.START_OBJECT) {
                            int start = (int) p.currentTokenLocation().getCharOffset();
                            p.skipChildren();
                            body = text.substring(start, (int) p.currentLocation().getCharOffset());
                        } else {
                            bodyNotObject = true;
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new Invalid(new BatchError("invalid_json_line", "line " + line + " has content after its JSON"
                        + " object", null, at));
            }
        } catch (JsonProcessingException e) {
            throw new Invalid(new BatchError("invalid_json_line", "line " + line + " is not valid JSON: "
                    + e.getOriginalMessage(), null, at));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        require(customId, "custom_id", line);
        require(method, "method", line);
        require(url, "url", line);
        if (!method.equals("POST")) {
            throw new Invalid(new BatchError("invalid_method", "line " + line + ": method must be POST (got '"
                    + method + "')", "method", at));
        }
        if (!url.equals(endpoint)) {
            throw new Invalid(new BatchError("mismatched_endpoint", "line " + line + ": url '" + url
                    + "' does not match the batch's endpoint '" + endpoint + "'", "url", at));
        }
        if (body == null) {
            throw new Invalid(new BatchError("invalid_request", "line " + line + ": body " + (bodyNotObject
                    ? "must be a JSON object" : "is missing"), "body", at));
        }
        return new InputLine(customId, method, url, body);
    }

    private static String string(JsonParser p, JsonToken value, String field, long line) throws Invalid, IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
            p.skipChildren();
            throw new Invalid(new BatchError("invalid_request", "line " + line + ": '" + field
                    + "' must be a non-empty string", field, (int) line));
        }
        return p.getText();
    }

    private static void require(String value, String field, long line) throws Invalid {
        if (value == null) {
            throw new Invalid(new BatchError("invalid_request", "line " + line + ": '" + field + "' is missing", field,
                    (int) line));
        }
    }
}
