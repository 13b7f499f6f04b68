package io.batchwise.model;

/** A configuration file or value is invalid; the message names the field and the value. */
public class InvalidConfig extends RuntimeException {
    public InvalidConfig(String message) {
        super(message);
    }

    /** Rejects a value unless the condition holds (Caffeine's requireArgument, with the field named). */
    static void require(boolean ok, String field, Object value, String rule) {
        if (!ok) {
            Object shown = value instanceof java.time.Duration d ? Durations.format(d) : value;
            throw new InvalidConfig(field + ": " + rule + " (got " + shown + ")");
        }
    }
}
