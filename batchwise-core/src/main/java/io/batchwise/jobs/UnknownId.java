package io.batchwise.jobs;

/** No file or batch has that id: mapped to HTTP 404. */
public class UnknownId extends RuntimeException {
    public UnknownId(String message) {
        super(message);
    }
}
