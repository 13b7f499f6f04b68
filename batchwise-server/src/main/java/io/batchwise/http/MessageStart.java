package io.batchwise.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchwise.tensor.InvalidInput;
import java.io.IOException;

/** Checks shared by the request and response readers on a message's outer JSON object. */
final class MessageStart {
    private MessageStart() {
    }

    /** Advances to the opening brace of the message. */
    static void expectObject(JsonParser p, String what) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new InvalidInput(what + " body is empty; expected a JSON object");
        }
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidInput(what + " body must be a JSON object, got " + JsonValues.describe(p));
        }
    }

    /** After the closing brace: only whitespace may follow within the JSON part. */
    static void expectEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new InvalidInput("unexpected " + JsonValues.describe(p) + " after the JSON object; if binary data "
                    + "follows, send its offset in the " + EncodedBody.HEADER_LENGTH + " header");
        }
    }

    /** A string field that may be null. */
    static String optionalString(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidInput(what + " must be a string, got " + JsonValues.describe(p));
        }
        return p.getText();
    }
}
