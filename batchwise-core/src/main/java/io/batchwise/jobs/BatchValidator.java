package io.batchwise.jobs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Checks a batch input file before any line runs, as OpenAI does: every line is a JSON request
 * object, uses POST and the batch's endpoint, and has a {@code custom_id} no other line has; the
 * file is not empty and not over the line limit. Any problem fails the whole batch. The file is
 * streamed; only the custom ids are kept.
 *
 * <p>With more than one thread, a large file is checked in parts at once, split at line
 * boundaries, one thread each: nothing runs while a batch validates, so on a machine given to
 * batch work the other cores would sit idle. The custom ids of all parts are then checked
 * together. Valid files are the rule; a part that finds any problem (or a custom id used twice,
 * or more lines than allowed) sends the file through the one-thread check, which lists the
 * errors with their line numbers in file order.
 */
final class BatchValidator {
    /** Errors listed per batch at most; the count of the rest is reported in the last one. */
    static final int MAX_ERRORS = 100;
    /** The least bytes per part that a file is split into for checking on several threads. */
    static final long MIN_PART_BYTES = 1 << 20;

    /** Lines found and the problems found. */
    record Result(long lines, List<BatchError> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    private final long maxLines;
    private final long maxLineBytes;
    private final int threads;
    private final long minPartBytes;

    BatchValidator(long maxLines, long maxLineBytes) {
        this(maxLines, maxLineBytes, 1, MIN_PART_BYTES);
    }

    /**
     * @param threads      parts a file may be checked in at once (1: one thread)
     * @param minPartBytes the least bytes per part
     */
    BatchValidator(long maxLines, long maxLineBytes, int threads, long minPartBytes) {
        this.maxLines = maxLines;
        this.maxLineBytes = maxLineBytes;
        this.threads = threads;
        this.minPartBytes = minPartBytes;
    }

    Result validate(Path file, String endpoint) throws IOException {
        return validate(file, endpoint, () -> false);
    }

    /** Validates, giving up (returning null) as soon as {@code stop} says so. */
    Result validate(Path file, String endpoint, BooleanSupplier stop) throws IOException {
        return validate(file, endpoint, stop, null);
    }

    /**
     * Validates, giving up (returning null) as soon as {@code stop} says so, and records in
     * {@code bodies} (when not null) where each line's body lies, for the run to use.
     */
    Result validate(Path file, String endpoint, BooleanSupplier stop, BodyExtents bodies)
            throws IOException {
        List<Long> starts = threads > 1 ? partStarts(file) : List.of(0L);
        if (starts.size() > 1) {
            Part[] parts = checkParts(file, starts, endpoint, stop);
            if (parts == null) {
                return null;
            }
            Result merged = merge(parts, bodies);
            if (merged != null) {
                return merged;
            }
        }
        return validateInOne(file, endpoint, stop, bodies);
    }

    /**
     * What a part of the file held, when all its lines were good: its lines (blank ones not
     * counted), their custom ids in order and where each line's body lies.
     */
    private record Part(long lines, List<String> ids, BodyExtents bodies) {
    }

    /** A part that found a problem: the one-thread check lists it. */
    private static final Part FOUND_PROBLEM = new Part(0, List.of(), new BodyExtents());

    /**
     * Where each part starts: the first line boundary at or after each multiple of the file's size
     * over the parts (at most {@link #threads}, each at least {@link #minPartBytes}).
     */
    private List<Long> partStarts(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int parts = (int) Math.min(threads, size / Math.max(1, minPartBytes));
            List<Long> starts = new ArrayList<>(List.of(0L));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            for (int k = 1; k < parts; k++) {
                long start = nextLineStart(ch, Math.max(size * k / parts, starts.get(starts.size() - 1) + 1), buf);
                if (start >= size) {
                    break;
                }
                starts.add(start);
            }
            return starts;
        }
    }

    /** The offset after the first newline at or after {@code from - 1}, or the file's size if none. */
    private static long nextLineStart(FileChannel ch, long from, ByteBuffer buf) throws IOException {
        long at = from - 1;
        while (true) {
            buf.clear();
            int n = ch.read(buf, at);
            if (n <= 0) {
                return ch.size();
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n') {
                    return at + i + 1;
                }
            }
            at += n;
        }
    }

    /** Checks each part on a thread of its own (the first on this one); null when stopped. */
    private Part[] checkParts(Path file, List<Long> starts, String endpoint, BooleanSupplier stop)
            throws IOException {
        int n = starts.size();
        // a part that finds a problem tells the others to give up: the one-thread check follows
        AtomicBoolean problem = new AtomicBoolean();
        List<CompletableFuture<Part>> others = new ArrayList<>();
        for (int k = 1; k < n; k++) {
            long from = starts.get(k);
            long to = k + 1 < n ? starts.get(k + 1) : Long.MAX_VALUE;
            CompletableFuture<Part> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    f.complete(checkPart(file, from, to, endpoint, stop, problem));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "batchwise-validate-" + k);
            t.setDaemon(true);
            t.start();
            others.add(f);
        }
        Part[] parts = new Part[n];
        parts[0] = checkPart(file, 0, starts.get(1), endpoint, stop, problem);
        for (int k = 1; k < n; k++) {
            try {
                parts[k] = others.get(k - 1).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw e;
            }
        }
        for (Part p : parts) {
            if (p == null) {
                return null;
            }
        }
        return parts;
    }

    /**
     * One part's lines, {@code [from, to)}: null when stopped, {@link #FOUND_PROBLEM} at any problem
     * (then it sets {@code problem}) or once another part has set it.
     */
    private Part checkPart(Path file, long from, long to, String endpoint, BooleanSupplier stop,
                           AtomicBoolean problem) throws IOException {
        List<String> ids = new ArrayList<>();
        BodyExtents bodies = new BodyExtents();
        long lines = 0;
        try (LineReader in = new LineReader(file, from, 0, maxLineBytes).upTo(to)) {
            LineReader.Line line;
            while ((line = in.next()) != null) {
                if ((lines & 1023) == 0) {
                    if (stop.getAsBoolean()) {
                        return null;
                    }
                    if (problem.get()) {
                        return FOUND_PROBLEM;
                    }
                }
                InputLine.Checked checked = InputLine.checkBody(line, endpoint);
                ids.add(checked.customId());
                bodies.put(lines, checked.body());
                lines++;
            }
        } catch (InputLine.Invalid | LineReader.LineTooLong e) {
            problem.set(true);
            return FOUND_PROBLEM;
        }
        return new Part(lines, ids, bodies);
    }

    /**
     * The result of parts that each found no problem, with their bodies recorded in line order;
     * null when the one-thread check must list errors: a part found one, two lines share an id,
     * or the file is empty or over the line limit.
     */
    private Result merge(Part[] parts, BodyExtents bodies) {
        long lines = 0;
        for (Part p : parts) {
            if (p == FOUND_PROBLEM) {
                return null;
            }
            lines += p.lines();
        }
        if (lines == 0 || lines > maxLines) {
            return null;
        }
        Set<String> ids = new HashSet<>((int) Math.min(Integer.MAX_VALUE, lines * 4 / 3 + 1));
        for (Part p : parts) {
            for (String id : p.ids()) {
                if (!ids.add(id)) {
                    return null;
                }
            }
        }
        if (bodies != null) {
            long index = 0;
            for (Part p : parts) {
                for (long i = 0; i < p.lines() && index < BodyExtents.MAX_LINES; i++) {
                    bodies.put(index++, p.bodies().get(i));
                }
            }
        }
        return new Result(lines, List.of());
    }

    /** The whole file on this thread, every error listed with its line. */
    private Result validateInOne(Path file, String endpoint, BooleanSupplier stop, BodyExtents bodies)
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
