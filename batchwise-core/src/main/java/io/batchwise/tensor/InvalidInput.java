package io.batchwise.tensor;

/** A client sent something malformed: mapped to HTTP 400. */
public class InvalidInput extends RuntimeException {
    public InvalidInput(String message) {
        super(message);
    }
}
