package io.batchwise.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.jobs.JobConflict;
import io.batchwise.jobs.UnknownId;
import io.batchwise.model.InvalidConfig;
import io.batchwise.runtime.ModelNotFound;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.schedule.DeadlineExceeded;
import io.batchwise.schedule.Overloaded;
import io.batchwise.tensor.InvalidInput;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where domain exceptions become HTTP statuses and {@code {"error": "..."}}
 * bodies. A client's mistake is a 4xx with a message, never a stack trace; only a genuine
 * server fault is a 500, and it is logged.
 */
public final class ErrorMapper {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A status, a message, and an optional Retry-After in seconds. */
    public record HttpError(int status, String message, Integer retryAfterSeconds) {
    }

    private ErrorMapper() {
    }

    /** Maps an exception to an HTTP error. */
    public static HttpError map(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof InvalidInput || e instanceof InvalidConfig) {
            return new HttpError(400, e.getMessage(), null);
        }
        if (e instanceof ModelNotFound || e instanceof UnknownId) {
            return new HttpError(404, e.getMessage(), null);
        }
        if (e instanceof JobConflict) {
            return new HttpError(409, e.getMessage(), null);
        }
        if (e instanceof ModelNotReady) {
            return new HttpError(503, e.getMessage(), null);
        }
        if (e instanceof Overloaded o) {
            return new HttpError(429, e.getMessage(), o.retryAfterSeconds());
        }
        if (e instanceof DeadlineExceeded d) {
            return new HttpError(503, e.getMessage(), d.retryAfterSeconds());
        }
        if (e instanceof HttpStatusException h) {
            return new HttpError(h.status(), h.getMessage(), h.retryAfterSeconds());
        }
        LOG.log(Level.WARNING, "internal error", e);
        return new HttpError(500, "internal error: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), null);
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Writes the error as JSON to a response. */
    public static void send(HttpServerResponse response, Throwable t) {
        HttpError err = map(t);
        send(response, err.status(), err.message(), err.retryAfterSeconds());
    }

    /** The JSON error body {@code {"error": message}}. */
    public static byte[] body(String message) {
        return JSON.createObjectNode().put("error", message == null ? "error" : message).toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Writes an error with an explicit status. */
    public static void send(HttpServerResponse response, int status, String message, Integer retryAfterSeconds) {
        if (response.ended() || response.closed()) {
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("error", message == null ? "error" : message);
        response.setStatusCode(status).putHeader("Content-Type", "application/json");
        if (retryAfterSeconds != null) {
            response.putHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        response.end(body.toString());
    }
}
