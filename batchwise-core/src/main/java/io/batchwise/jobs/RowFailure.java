package io.batchwise.jobs;

/**
 * How a failed line is reported: the HTTP status and message the same request would have got
 * live, and OpenAI's error type.
 */
public record RowFailure(int status, String message) {
    /** OpenAI's error {@code type} for a status. */
    public String type() {
        if (status == 401) {
            return "authentication_error";
        }
        if (status == 404) {
            return "not_found_error";
        }
        if (status == 429) {
            return "rate_limit_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }
}
