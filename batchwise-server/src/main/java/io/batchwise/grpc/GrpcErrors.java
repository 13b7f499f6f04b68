package io.batchwise.grpc;

import io.batchwise.http.ErrorMapper;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * gRPC statuses for errors. Which error a failure is stays decided in one place,
 * {@link ErrorMapper}; this only translates its HTTP status to the gRPC code with the same
 * meaning (as Triton and KServe servers do), and carries Retry-After as {@code retry-after}
 * trailer metadata.
 *
 * <pre>
 * 400 invalid input or config   INVALID_ARGUMENT
 * 401 missing or wrong API key   UNAUTHENTICATED
 * 404 unknown model or version   NOT_FOUND
 * 413 message too large          RESOURCE_EXHAUSTED
 * 429 queue full (overloaded)    RESOURCE_EXHAUSTED
 * 503 not ready, deadline unmet  UNAVAILABLE
 * 500 anything else              INTERNAL
 * </pre>
 */
final class GrpcErrors {
    /** Seconds after which a retry may succeed (for RESOURCE_EXHAUSTED and UNAVAILABLE). */
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    static StatusRuntimeException of(Throwable t) {
        ErrorMapper.HttpError e = ErrorMapper.map(t);
        Status status = code(e.status()).withDescription(e.message());
        Metadata trailers = new Metadata();
        if (e.retryAfterSeconds() != null) {
            trailers.put(RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
        }
        return status.asRuntimeException(trailers);
    }

    static Status code(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> Status.INVALID_ARGUMENT;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 413, 429 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            case 504 -> Status.DEADLINE_EXCEEDED;
            default -> httpStatus >= 400 && httpStatus < 500 ? Status.FAILED_PRECONDITION : Status.INTERNAL;
        };
    }
}
