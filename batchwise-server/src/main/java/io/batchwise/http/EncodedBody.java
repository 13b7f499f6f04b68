package io.batchwise.http;

import java.util.Objects;

/**
 * An encoded inference request or response body with the HTTP headers that must go with it.
 *
 * @param body the full HTTP body: a JSON object, followed by binary tensor data when
 *     {@code headerLength} is set
 * @param headerLength value for the {@code Inference-Header-Content-Length} header (the length of
 *     the JSON object at the start of the body), or null when the body is plain JSON and the header
 *     must not be sent
 * @param contentType value for {@code Content-Type}: {@code application/json}, or
 *     {@code application/octet-stream} when the body carries binary data
 */
public record EncodedBody(byte[] body, Integer headerLength, String contentType) {
    /** Name of the binary tensor data extension's header. */
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    static final String JSON = "application/json";
    static final String OCTET_STREAM = "application/octet-stream";

    public EncodedBody {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(contentType, "contentType");
    }

    /** True when binary tensor data follows the JSON object. */
    public boolean hasBinaryData() {
        return headerLength != null;
    }
}
