package io.batchwise.http;

import io.batchwise.tensor.InvalidInput;
import java.nio.ByteBuffer;

/**
 * The framing of the binary tensor data extension: a body is a JSON object of
 * {@code Inference-Header-Content-Length} bytes followed by the tensors that declared a
 * {@code binary_data_size}, back to back in the order the JSON lists them.
 *
 * <p>Tensors take consecutive slices of the tail as the JSON parser meets them, so the slices are
 * views of the body array and nothing is copied. Every byte of the tail must be claimed: left-over
 * bytes mean the client's sizes and data disagree, and guessing which tensor is wrong would hide
 * the mistake.
 */
final class BinarySection {
    private final byte[] body;
    private final int jsonLength;
    private final boolean framed;
    private int next;

    private BinarySection(byte[] body, int jsonLength, boolean framed) {
        this.body = body;
        this.jsonLength = jsonLength;
        this.next = jsonLength;
        this.framed = framed;
    }

    /**
     * Splits {@code body} at the header length; with no header the whole body is JSON.
     *
     * @throws InvalidInput when the header is not a number between 0 and the body length
     */
    static BinarySection of(byte[] body, String headerLength) {
        if (headerLength == null) {
            return new BinarySection(body, body.length, false);
        }
        long length;
        try {
            length = Long.parseLong(headerLength.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInput(EncodedBody.HEADER_LENGTH + " must be a number of bytes, got '" + headerLength + "'");
        }
        if (length < 0 || length > body.length) {
            throw new InvalidInput(EncodedBody.HEADER_LENGTH + " is " + length + " but the body has " + body.length
                    + " bytes");
        }
        return new BinarySection(body, (int) length, true);
    }

    /** The section of a body of {@code jsonLength} bytes of JSON and nothing else. */
    static BinarySection jsonOnly(int jsonLength) {
        return new BinarySection(new byte[0], jsonLength, false);
    }

    /** Length of the JSON object at the start of the body. */
    int jsonLength() {
        return jsonLength;
    }

    /**
     * The next {@code size} bytes of binary data, for the tensor {@code label}.
     *
     * @throws InvalidInput when there is no binary section or it holds fewer bytes
     */
    ByteBuffer take(String label, long size) {
        if (!framed) {
            throw new InvalidInput(label + " has parameters.binary_data_size but the request has no "
                    + EncodedBody.HEADER_LENGTH + " header");
        }
        int remaining = body.length - next;
        if (size > remaining) {
            throw new InvalidInput(label + ": binary_data_size " + size + " overruns the body, only " + remaining
                    + " bytes of binary data remain");
        }
        ByteBuffer slice = ByteBuffer.wrap(body, next, (int) size);
        next += (int) size;
        return slice;
    }

    /**
     * @throws InvalidInput when binary bytes are left that no tensor claimed
     */
    void checkAllTaken() {
        if (next < body.length) {
            throw new InvalidInput((body.length - next) + " bytes of binary data after the JSON object belong to no "
                    + "tensor: the binary_data_size parameters add up to less than the body holds");
        }
    }
}
