package io.batchwise.jobs;

import java.util.Locale;

/** A batch's lifecycle, with OpenAI's names and meanings. */
public enum BatchStatus {
    /** The input file is being checked before the batch can begin. */
    VALIDATING,
    /** The input file failed validation; {@code errors} says why. */
    FAILED,
    /** Lines are running. */
    IN_PROGRESS,
    /** Lines are done; the output and error files are being published. */
    FINALIZING,
    /** Every line ran; results are in the output and error files. */
    COMPLETED,
    /** The completion window passed; finished lines are in the files, the rest are {@code batch_expired} errors. */
    EXPIRED,
    /** Cancel was asked for; running lines finish. */
    CANCELLING,
    /** Cancelled; lines that finished are in the files. */
    CANCELLED;

    /** The wire name, e.g. {@code in_progress}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name. */
    public static BatchStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /** True once nothing more will happen to the batch. */
    public boolean terminal() {
        return this == FAILED || this == COMPLETED || this == EXPIRED || this == CANCELLED;
    }
}
