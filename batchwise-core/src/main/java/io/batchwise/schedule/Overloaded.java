package io.batchwise.schedule;

/** The model's queue is full: mapped to 429 with Retry-After. */
public class Overloaded extends RuntimeException {
    private final int retryAfterSeconds;

    public Overloaded(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
