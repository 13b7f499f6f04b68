package io.batchwise.planner;

import io.batchwise.model.InvalidConfig;
import io.batchwise.tensor.InvalidInput;
import java.util.concurrent.Callable;

/** Shared command-line behaviour: a user's mistake is one line on stderr and exit code 2, not a stack trace. */
final class Cli {
    private Cli() {
    }

    static int guarded(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (InvalidConfig | InvalidInput | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
