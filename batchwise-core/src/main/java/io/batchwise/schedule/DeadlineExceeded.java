package io.batchwise.schedule;

/** The request cannot meet, or has passed, its deadline: mapped to 503 with Retry-After. */
public class DeadlineExceeded extends RuntimeException {
    private final int retryAfterSeconds;

    public DeadlineExceeded(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
