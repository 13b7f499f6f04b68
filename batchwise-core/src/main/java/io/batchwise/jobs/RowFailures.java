package io.batchwise.jobs;

import io.batchwise.model.InvalidConfig;
import io.batchwise.runtime.ModelNotFound;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.schedule.DeadlineExceeded;
import io.batchwise.schedule.Overloaded;
import io.batchwise.tensor.InvalidInput;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns the exception a line failed with into its reported status and message. A server passes
 * its HTTP error mapper, so batch lines report exactly what live requests would.
 */
@FunctionalInterface
public interface RowFailures {
    RowFailure describe(Throwable error);

    /** The statuses of the core exception types, for use without an HTTP layer. */
    static RowFailures standard() {
        return t -> {
            Throwable e = t;
            while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
                e = e.getCause();
            }
            int status;
            if (e instanceof InvalidInput || e instanceof InvalidConfig) {
                status = 400;
            } else if (e instanceof ModelNotFound) {
                status = 404;
            } else if (e instanceof Overloaded) {
                status = 429;
            } else if (e instanceof ModelNotReady || e instanceof DeadlineExceeded) {
                status = 503;
            } else {
                status = 500;
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new RowFailure(status, status == 500 ? "internal error: " + message : message);
        };
    }
}
