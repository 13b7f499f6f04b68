package io.batchwise.schedule;

import java.util.Locale;

/** How a request left the scheduler. */
public enum Outcome {
    SUCCESS, REJECTED, EXPIRED, FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
