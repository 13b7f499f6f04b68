package io.batchwise.jobs;

/** The request does not fit the object's state (cancel a finished batch, delete a file in use): HTTP 409. */
public class JobConflict extends RuntimeException {
    public JobConflict(String message) {
        super(message);
    }
}
