package io.batchwise.http;

/** An error that carries its own HTTP status (413, 429 with Retry-After, ...). */
public class HttpStatusException extends RuntimeException {
    private final int status;
    private final Integer retryAfterSeconds;

    public HttpStatusException(int status, String message) {
        this(status, message, null);
    }

    public HttpStatusException(int status, String message, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
