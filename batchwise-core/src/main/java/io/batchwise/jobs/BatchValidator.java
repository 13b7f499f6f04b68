package io.batchwise.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a batch input file before any line runs, as OpenAI does: every line is a JSON request
 * object, uses POST and the batch's endpoint, and has a {@code custom_id} no other line has; the
 * file is not empty and not over the line limit. Any problem fails the whole batch. The file is
 * streamed; only the custom ids are kept.
 */
final class BatchValidator {
    /** Errors listed per batch at most; the count of the rest is reported in the last one. */
    static final int MAX_ERRORS = 100;

    /** Lines found and the problems found. */
    record Result(long lines, List<BatchError> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    private final long maxLines;
    private final long maxLineBytes;

    BatchValidator(long maxLines, long maxLineBytes) {
        this.maxLines = maxLines;
        this.maxLineBytes = maxLineBytes;
    }

    Result validate(Path file, String endpoint) throws IOException {
        return validate(file, endpoint, () -> false);
    }

    /** Validates, giving up (returning null) as soon as {@code stop} says so. */
    Result validate(Path file, String endpoint, java.util.function.BooleanSupplier stop) throws IOException {
        return validate(file, endpoint, stop, null);
    }

    /**
     * Validates, giving up (returning null) as soon as {@code stop} says so, and records in
     * {@code bodies} (when not null) where each line's body lies, for the run to use.
     */
    Result validate(Path file, String endpoint, java.util.function.BooleanSupplier stop, BodyExtents bodies)
            throws IOException {
        List<BatchError> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long lines = 0;
        long more = 0;
        try (LineReader in = new LineReader(file, 0, 0, maxLineBytes)) {
            LineReader.Line line;
            while ((line = in.next()) != null) {
                if ((lines & 1023) == 0 && stop.getAsBoolean()) {
                    return null;
                }
                lines++;
                BatchError error = null;
                try {
                    InputLine.Checked checked = InputLine.checkBody(line, endpoint);
                    String customId = checked.customId();
                    if (bodies != null) {
                        bodies.put(lines - 1, checked.body());
                    }
                    if (!ids.add(customId)) {
                        error = new BatchError("duplicate_custom_id", "line " + line.number() + ": custom_id '"
                                + customId + "' is used by an earlier line; each must be unique",
                                "custom_id", (int) line.number());
                    }
                } catch (InputLine.Invalid e) {
                    error = e.error;
                }
                if (error != null) {
                    if (errors.size() < MAX_ERRORS) {
                        errors.add(error);
                    } else {
                        more++;
                    }
                }
            }
        } catch (LineReader.LineTooLong e) {
            errors.add(new BatchError("line_too_long", e.getMessage(), null, (int) e.line));
        }
        if (more > 0) {
            errors.add(new BatchError("too_many_errors", more + " more lines have errors", null, null));
        }
        if (lines == 0) {
            errors.add(new BatchError("empty_file", "the input file has no requests", "input_file_id", null));
        }
        if (lines > maxLines) {
            errors.add(0, new BatchError("too_many_requests", "the input file has " + lines
                    + " requests; a batch may have at most " + maxLines, "input_file_id", null));
        }
        return new Result(lines, errors);
    }
}
