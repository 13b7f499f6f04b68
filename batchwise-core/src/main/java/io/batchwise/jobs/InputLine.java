package io.batchwise.jobs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * One request of a batch input file: {@code {"custom_id", "method", "url", "body"}}.
 *
 * <p>Lines are read with a streaming parser that checks the whole line is well-formed JSON but
 * builds no tree: the body is kept as its raw text, which the line's endpoint decodes with the
 * same codec its live HTTP route uses (for KServe bodies, straight into tensors).
 *
 * @param body the request body for {@code url}: the raw UTF-8 JSON of an object
 */
public record InputLine(String customId, String method, String url, byte[] body) {
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
     * Parses and checks a line given as its bytes (without the line ending), for engines that
     * read input files their own way, such as the Spark job.
     *
     * @param utf8   whether the bytes are valid UTF-8
     * @param number the line's 1-based number in its file
     */
    public static InputLine parse(byte[] bytes, boolean utf8, long number, String endpoint) throws Invalid {
        return parse(new LineReader.Line(bytes, utf8, number, -1), endpoint);
    }

    /** {@link #parseValidated(LineReader.Line, String)} for a line given as its bytes. */
    public static InputLine parseValidated(byte[] bytes, boolean utf8, long number, String endpoint) throws Invalid {
        return parseValidated(new LineReader.Line(bytes, utf8, number, -1), endpoint);
    }

    /**
     * Parses and checks a line (not yet its body, which its endpoint decodes when it runs).
     *
     * @param endpoint the batch's endpoint, which every line's url must equal
     */
    static InputLine parse(LineReader.Line l, String endpoint) throws Invalid {
        long line = l.number();
        int at = (int) line;
        byte[] text = l.bytes();
        if (!l.utf8()) {
            throw new Invalid(new BatchError("invalid_json_line", "line " + line + " is not valid UTF-8", null, at));
        }
        String customId = null;
        String method = null;
        String url = null;
        byte[] body = null;
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
                            int start = (int) p.currentTokenLocation().getByteOffset();
                            p.skipChildren();
                            body = Arrays.copyOfRange(text, start, (int) p.currentLocation().getByteOffset());
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

    /**
     * Parses a line of a file that passed validation. Tokenizing a large body only to skip it
     * would cost as much as decoding it, so the body's extent is found by a structural scan
     * (brackets outside strings) and only the rest of the line goes through the JSON parser;
     * anything the scan does not recognise takes the full {@link #parse} path.
     */
    static InputLine parseValidated(LineReader.Line l, String endpoint) throws Invalid {
        InPlace p = parseValidatedInPlace(l, endpoint);
        byte[] body = p.bodyFrom() == 0 && p.bodyTo() == p.bytes().length ? p.bytes()
                : Arrays.copyOfRange(p.bytes(), p.bodyFrom(), p.bodyTo());
        return new InputLine(p.customId(), "POST", p.url(), body);
    }

    /**
     * A checked line whose body was left where it is: {@code bytes[bodyFrom, bodyTo)} (the
     * method is POST, as {@link #parse} requires).
     */
    record InPlace(String customId, String url, byte[] bytes, int bodyFrom, int bodyTo) {
    }

    /** {@link #parseValidated(LineReader.Line, String)} without copying the body out of the line. */
    static InPlace parseValidatedInPlace(LineReader.Line l, String endpoint) throws Invalid {
        return parseValidatedInPlace(l, endpoint, null);
    }

    /**
     * {@link #parseValidatedInPlace(LineReader.Line, String)} for a line whose body
     * {@link #checkBody} already found at {@code knownBody} (null: look for it).
     */
    static InPlace parseValidatedInPlace(LineReader.Line l, String endpoint, int[] knownBody) throws Invalid {
        byte[] b = l.bytes();
        int[] body = knownBody != null ? knownBody : bodyExtent(b);
        if (body == null || !l.utf8()) {
            InputLine whole = parse(l, endpoint);
            return new InPlace(whole.customId(), whole.url(), whole.body(), 0, whole.body().length);
        }
        InputLine head = head(l, body, endpoint);
        return new InPlace(head.customId(), head.url(), b, body[0], body[1]);
    }

    /** {@link #check(LineReader.Line, String)} for a line given as its bytes, as the Spark job reads them. */
    public static String check(byte[] bytes, boolean utf8, long number, String endpoint) throws Invalid {
        return check(new LineReader.Line(bytes, utf8, number, -1), endpoint);
    }

    /**
     * Checks a line as {@link #parse} does, with the same errors, and returns its custom id. A
     * line that {@link JsonCheck} finds certainly well-formed has only its fields outside the
     * body parsed; any other is parsed whole. Validation thus reads a large body's numbers eight
     * bytes at a time rather than token by token.
     */
    static String check(LineReader.Line l, String endpoint) throws Invalid {
        return checkBody(l, endpoint).customId();
    }

    /** A checked line's custom id, and [start, end) of its body when the check found it (else null). */
    record Checked(String customId, int[] body) {
    }

    /** {@link #check(LineReader.Line, String)}, keeping where the body is when the check found it. */
    static Checked checkBody(LineReader.Line l, String endpoint) throws Invalid {
        int[] body = l.utf8() ? JsonCheck.bodyOfWellFormed(l.bytes()) : null;
        return new Checked((body == null ? parse(l, endpoint) : head(l, body, endpoint)).customId(), body);
    }

    /** {@link #parse} of the line with its body {@code [body[0], body[1])} replaced by {@code {}}. */
    private static InputLine head(LineReader.Line l, int[] body, String endpoint) throws Invalid {
        byte[] b = l.bytes();
        byte[] rest = new byte[b.length - (body[1] - body[0]) + 2];
        System.arraycopy(b, 0, rest, 0, body[0]);
        rest[body[0]] = '{';
        rest[body[0] + 1] = '}';
        System.arraycopy(b, body[1], rest, body[0] + 2, b.length - body[1]);
        return parse(new LineReader.Line(rest, true, l.number(), l.end()), endpoint);
    }

    private static final byte[] BODY_KEY = {'b', 'o', 'd', 'y'};

    /**
     * [start, end) of the object value of the top-level key "body", or null. Inside strings and
     * below the top level only quotes and brackets matter, and {@link ByteSearch} skips to them.
     */
    static int[] bodyExtent(byte[] b) {
        int n = b.length;
        int depth = 0;
        boolean inString = false;
        boolean expectKey = false;
        boolean bodyNext = false;
        int keyStart = -1;
        int bodyStart = -1;
        int i = 0;
        while (i < n) {
            if (inString) {
                i = ByteSearch.quoteOrBackslash(b, i, n);
                if (i < n && b[i] == '\\') {
                    i += 2;
                    continue;
                }
                if (i < n) {
                    inString = false;
                    if (keyStart >= 0) {
                        bodyNext = i - keyStart == BODY_KEY.length
                                && Arrays.equals(b, keyStart, i, BODY_KEY, 0, BODY_KEY.length);
                        keyStart = -1;
                    }
                }
                i++;
                continue;
            }
            if (depth >= 2) {
                i = ByteSearch.quoteOrBracket(b, i, n);
                if (i == n) {
                    break;
                }
            }
            byte c = b[i];
            switch (c) {
                case '"' -> {
                    inString = true;
                    if (depth == 1 && expectKey) {
                        keyStart = i + 1;
                        expectKey = false;
                    }
                }
                case '{', '[' -> {
                    depth++;
                    if (depth == 1) {
                        expectKey = c == '{';
                    } else if (depth == 2 && bodyNext && c == '{') {
                        bodyStart = i;
                    }
                }
                case '}', ']' -> {
                    depth--;
                    if (depth == 1 && bodyStart >= 0) {
                        return new int[] {bodyStart, i + 1};
                    }
                }
                case ',' -> {
                    if (depth == 1) {
                        expectKey = true;
                        bodyNext = false;
                    }
                }
                default -> {
                    // values and whitespace
                }
            }
            i++;
        }
        return null;
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
