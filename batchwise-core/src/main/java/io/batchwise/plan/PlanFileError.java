package io.batchwise.plan;

import io.batchwise.model.InvalidConfig;

/**
 * A workload, profile or price file is invalid. The message starts with {@code file:line:} and
 * names the field by its path ({@code workloads[2].latency}), so a user can go straight to it.
 */
public final class PlanFileError extends InvalidConfig {
    private final String file;
    private final int line;
    private final String field;

    public PlanFileError(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public String file() {
        return file;
    }

    /** 1-based line of the offending value (or of its parent when the field is missing). */
    public int line() {
        return line;
    }

    /** The field's path, e.g. {@code workloads[0].rows_per_day}; empty for the whole document. */
    public String field() {
        return field;
    }
}
