package io.batchwise.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.http.ErrorMapper;
import io.batchwise.jobs.RowFailure;
import io.batchwise.jobs.RowFailures;
import io.vertx.core.http.HttpServerResponse;

/**
 * Errors of the {@code /v1} endpoints in OpenAI's shape, {@code {"error": {"message", "type",
 * "param", "code"}}}, which the official SDKs parse into their typed exceptions. The status and
 * message come from the one {@link ErrorMapper}.
 */
final class OpenAiErrors {
    private OpenAiErrors() {
    }

    /** Row failures of batch lines, as the HTTP layer would report them live. */
    static RowFailures rowFailures() {
        return t -> {
            ErrorMapper.HttpError e = ErrorMapper.map(t);
            return new RowFailure(e.status(), e.message());
        };
    }

    static void send(HttpServerResponse response, Throwable t) {
        ErrorMapper.HttpError e = ErrorMapper.map(t);
        send(response, e.status(), e.message(), e.retryAfterSeconds());
    }

    static void send(HttpServerResponse response, int status, String message, Integer retryAfterSeconds) {
        if (response.ended() || response.closed()) {
            return;
        }
        ObjectNode body = OpenAiJson.JSON.createObjectNode();
        RowFailure f = new RowFailure(status, message);
        body.putObject("error").put("message", message).put("type", f.type()).putNull("param")
                .put("code", code(status));
        response.setStatusCode(status).putHeader("Content-Type", "application/json");
        if (retryAfterSeconds != null) {
            response.putHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        response.end(body.toString());
    }

    private static String code(int status) {
        return switch (status) {
            case 401 -> "invalid_api_key";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 413 -> "file_too_large";
            case 415 -> "unsupported_content_type";
            case 429 -> "rate_limit_exceeded";
            default -> null;
        };
    }
}
