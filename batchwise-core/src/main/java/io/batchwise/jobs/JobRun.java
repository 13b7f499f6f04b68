package io.batchwise.jobs;

import io.batchwise.runtime.InferenceResponse;
import io.batchwise.schedule.Overloaded;
import io.batchwise.schedule.Submission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One batch's run, from wherever its status and checkpoint say it is to its end.
 *
 * <p>Design: lines are read in order into a window of at most the batch's share of
 * {@code maxInFlightRows} rows that have been submitted to the scheduler as bulk rows; results are written
 * strictly in input order as the head of the window completes, so "how far the batch got" is a
 * single input offset plus the sizes of the two output files. A checkpoint first forces the files
 * to disk, then records that offset, the sizes and the counts in one SQLite transaction. On resume
 * the files are cut back to the recorded sizes and reading restarts at the recorded offset: a line
 * is either counted by the checkpoint and present once, or not counted and run again. Writing in
 * order also makes the output byte-identical however often a run is interrupted (line ids are
 * derived from the batch id and line position, not from randomness or time).
 *
 * <p>A full bulk queue ({@link Overloaded}) is answered with exponential back-off on the line
 * that was refused, which keeps its place. Cancel and expiry stop reading; running lines finish
 * and are written; on expiry every unread line is written to the error file as
 * {@code batch_expired}.
 */
final class JobRun {
    private static final Logger LOG = Logger.getLogger(JobRun.class.getName());
    private static final long MIN_BACKOFF = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_BACKOFF = TimeUnit.SECONDS.toNanos(1);
    private static final long POLL = TimeUnit.MILLISECONDS.toNanos(50);

    private final JobEngine engine;
    private final String id;
    private volatile boolean cancelled;
    /** Where validation found each line's body, when this run validated the file (null after a restart). */
    private BodyExtents bodies;

    JobRun(JobEngine engine, String id) {
        this.engine = engine;
        this.id = id;
    }

    void cancel() {
        cancelled = true;
    }

    void run() {
        try {
            if (engine.stopping()) {
                return;
            }
            BatchJob job = engine.get(id);
            if (job.status() == BatchStatus.VALIDATING) {
                job = validate(job);
                if (job == null) {
                    return;
                }
            }
            if (job.status() == BatchStatus.IN_PROGRESS || job.status() == BatchStatus.CANCELLING) {
                BatchStatus outcome = execute(job);
                if (outcome == null) {
                    return;
                }
                engine.checkHalted();
                engine.store.beginFinalizing(id, outcome, now());
                job = engine.get(id);
            }
            if (job.status() == BatchStatus.FINALIZING) {
                engine.checkHalted();
                publish();
            }
        } catch (JobEngine.Halted h) {
            // a simulated crash: leave everything as it is
        } catch (Throwable t) {
            if (engine.stopping()) {
                LOG.log(Level.FINE, "batch " + id + " stopped during shutdown", t);
                return;
            }
            LOG.log(Level.WARNING, "batch " + id + " failed", t);
            engine.store.failInternally(id, new BatchError("internal_error", "the batch could not run: "
                    + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()),
                    null, null), now());
        }
    }

    private long now() {
        return engine.clock.instant().getEpochSecond();
    }

    /** Validates the input file; returns the batch as it now is, or null if it failed validation. */
    private BatchJob validate(BatchJob job) throws IOException {
        Path input;
        try {
            input = engine.files.content(job.inputFileId());
        } catch (UnknownId e) {
            engine.store.failValidation(id, java.util.List.of(new BatchError("file_not_found", "input file '"
                    + job.inputFileId() + "' no longer exists", "input_file_id", null)), 0, now());
            return null;
        }
        BodyExtents found = new BodyExtents();
        // As many parts at once as batches may decode lines at once: on a server that keeps a core
        // for live requests (the default), validation keeps off it too.
        BatchValidator.Result result = new BatchValidator(engine.settings.maxLinesPerBatch(), JobSettings.MAX_LINE_BYTES,
                engine.settings.cpuThreads(), BatchValidator.MIN_PART_BYTES)
                .validate(input, job.endpoint(), () -> cancelled || engine.stopping(), found);
        engine.checkHalted();
        if (result == null) {
            return engine.stopping() ? null : engine.get(id); // cancelled: the run goes on to finish it
        }
        if (!result.ok()) {
            engine.store.failValidation(id, result.errors(), result.lines(), now());
            return null;
        }
        engine.store.startProgress(id, result.lines(), Ids.file(), Ids.file(), now());
        bodies = found;
        return engine.get(id);
    }

    /** A line on its way: read, prepared, maybe submitted. */
    private static final class Slot {
        /**
         * The line's bytes until it is prepared; then null, so that the many lines in flight keep
         * only their decoded rows, which is all young collections then have to copy.
         */
        LineReader.Line line;
        /** The input offset after the line. */
        final long end;
        final long index;
        String customId;
        BatchError invalid;
        BatchEndpoint.Call call;
        RuntimeException prepareError;
        CompletableFuture<InferenceResponse> future;
        long rows = 1;

        Slot(LineReader.Line line, long index) {
            this.line = line;
            this.end = line.end();
            this.index = index;
        }

        boolean ready() {
            return future == null || future.isDone();
        }
    }

    /** Where the run is: the next line's index, and what the files hold so far. */
    private static final class Progress {
        long inputOffset;
        long lines;
        long completed;
        long failed;
        long nextIndex;

        Progress(Checkpoint cp) {
            inputOffset = cp.inputOffset();
            lines = cp.lines();
            completed = cp.completed();
            failed = cp.failed();
            nextIndex = cp.lines();
        }
    }

    /** The lines between reading and writing: submitted in input order, written in input order. */
    private final class Window {
        final Deque<Slot> slots = new ArrayDeque<>();
        final BatchEndpoint endpoint;
        final String endpointPath;
        final LineReader in;
        final Progress p;
        long inFlight;
        /** A line read but refused by a full queue; it keeps its place and is retried. */
        Slot pending;
        long retryAt;
        long backoff = MIN_BACKOFF;
        boolean exhausted;

        Window(BatchEndpoint endpoint, String endpointPath, LineReader in, Progress p) {
            this.endpoint = endpoint;
            this.endpointPath = endpointPath;
            this.in = in;
            this.p = p;
        }

        /** Reads and submits lines until the in-flight bound, the end of the input or a full queue. */
        void fill() throws IOException {
            while (inFlight < engine.inFlightShare()) {
                if (pending == null) {
                    LineReader.Line line = in.next();
                    if (line == null) {
                        exhausted = true;
                        return;
                    }
                    pending = prepare(line, p.nextIndex++, endpointPath, endpoint);
                }
                if (pending.call != null && pending.future == null) {
                    long now = engine.ticker.read();
                    if (now < retryAt) {
                        return;
                    }
                    CompletableFuture<InferenceResponse> f = engine.rows.submit(pending.call.model(),
                            pending.call.version(), Submission.bulk(pending.call.request(), id));
                    if (refusedAsOverloaded(f)) {
                        retryAt = now + backoff;
                        backoff = Math.min(MAX_BACKOFF, backoff * 2);
                        return;
                    }
                    backoff = MIN_BACKOFF;
                    pending.future = f;
                }
                slots.addLast(pending);
                inFlight += pending.rows;
                pending = null;
            }
        }

        /** Writes the finished lines at the head, in order; returns how many. */
        int drain(AppendLog out, AppendLog err) throws IOException {
            int n = 0;
            while (!slots.isEmpty() && slots.peekFirst().ready()) {
                engine.checkHalted();
                Slot s = slots.pollFirst();
                inFlight -= s.rows;
                write(s, endpoint, out, err, p);
                n++;
            }
            return n;
        }

        /** Waits up to {@code nanos} for the head line (less while a refused line waits to retry). */
        void awaitHead(long nanos) throws InterruptedException {
            long wait = pending != null ? Math.max(0, Math.min(nanos, retryAt - engine.ticker.read())) : nanos;
            await(slots.peekFirst(), wait);
        }
    }

    /** Runs the lines; returns the outcome, or null when stopped by a shutdown (to resume later). */
    private BatchStatus execute(BatchJob job) throws IOException, InterruptedException {
        JobWork work = engine.store.work(id);
        if (work.outputFileId() == null) {
            return BatchStatus.CANCELLED; // cancelled before validation finished: nothing ran
        }
        BatchEndpoint endpoint = engine.endpoint(job.endpoint());
        Checkpoint cp = work.checkpoint();
        Progress p = new Progress(cp);
        try (LineReader in = new LineReader(engine.files.content(job.inputFileId()), cp.inputOffset(), 0,
                JobSettings.MAX_LINE_BYTES, true);
             AppendLog out = AppendLog.open(engine.files.path(work.outputFileId()), cp.outputBytes());
             AppendLog err = AppendLog.open(engine.files.path(work.errorFileId()), cp.errorBytes())) {
            Window w = new Window(endpoint, job.endpoint(), in, p);
            BatchStatus outcome = job.status() == BatchStatus.CANCELLING ? BatchStatus.CANCELLED : null;
            long sinceCheckpoint = 0;
            long lastCheckpoint = engine.ticker.read();
            while (true) {
                engine.checkHalted();
                if (engine.stopping()) {
                    stopForShutdown(w, out, err);
                    return null;
                }
                if (outcome == null && cancelled) {
                    outcome = BatchStatus.CANCELLED;
                } else if (outcome == null && expired(job)) {
                    outcome = BatchStatus.EXPIRED;
                }
                if (outcome == null) {
                    engine.cpu.acquire();
                    try {
                        w.fill();
                    } finally {
                        engine.cpu.release();
                    }
                }
                if (w.slots.isEmpty()) {
                    if (w.exhausted || outcome != null) {
                        break;
                    }
                    long wait = Math.min(POLL, Math.max(0, w.retryAt - engine.ticker.read()));
                    TimeUnit.NANOSECONDS.sleep(Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1)));
                    continue;
                }
                w.awaitHead(POLL);
                engine.cpu.acquire();
                try {
                    sinceCheckpoint += w.drain(out, err);
                } finally {
                    engine.cpu.release();
                }
                long now = engine.ticker.read();
                if (sinceCheckpoint >= engine.settings.checkpointLines() || (sinceCheckpoint > 0
                        && now - lastCheckpoint >= engine.settings.checkpointInterval().toNanos())) {
                    checkpoint(p, out, err);
                    sinceCheckpoint = 0;
                    lastCheckpoint = now;
                }
            }
            if (outcome == BatchStatus.EXPIRED) {
                if (w.pending != null) {
                    writeExpired(w.pending.line, w.pending.end, w.pending.index, w.pending.customId, err, p);
                }
                LineReader.Line line;
                while ((line = in.next()) != null) {
                    engine.checkHalted();
                    writeExpired(line, line.end(), p.nextIndex++, null, err, p);
                }
            }
            checkpoint(p, out, err);
            return outcome == null ? BatchStatus.COMPLETED : outcome;
        }
    }

    private boolean expired(BatchJob job) {
        Long expiresAt = job.times().expiresAt();
        return expiresAt != null && engine.clock.millis() >= expiresAt * 1000;
    }

    private static boolean refusedAsOverloaded(CompletableFuture<InferenceResponse> f) {
        if (!f.isCompletedExceptionally()) {
            return false;
        }
        try {
            f.join();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof Overloaded;
        }
    }

    private static void await(Slot s, long nanos) throws InterruptedException {
        if (s.ready() || nanos <= 0) {
            return;
        }
        try {
            s.future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // its outcome is read when it is written
        }
    }

    private Slot prepare(LineReader.Line line, long index, String endpointPath, BatchEndpoint endpoint) {
        Slot s = new Slot(line, index);
        try {
            InputLine.InPlace request = InputLine.parseValidatedInPlace(line, endpointPath,
                    bodies == null ? null : bodies.get(index));
            s.customId = request.customId();
            s.call = endpoint.prepare(request.url(), request.bytes(), request.bodyFrom(), request.bodyTo());
            s.rows = Math.max(1, s.call.request().inputs().isEmpty() ? 1 : s.call.request().inputs().get(0).rows());
            s.line = null;
        } catch (InputLine.Invalid e) {
            s.invalid = e.error;
        } catch (RuntimeException e) {
            s.prepareError = e;
        }
        return s;
    }

    private void write(Slot s, BatchEndpoint endpoint, AppendLog out, AppendLog err, Progress p) throws IOException {
        String[] ids = Ids.request(id, s.index);
        if (s.invalid != null) {
            err.write(OutputLines.error(ids[0], s.customId, s.invalid.code(), s.invalid.message()));
            p.failed++;
        } else {
            RowFailure failure = null;
            String body = null;
            if (s.prepareError != null) {
                failure = engine.failures.describe(s.prepareError);
            } else {
                try {
                    body = compact(s.call.responseBody(s.future.join()));
                } catch (CompletionException e) {
                    failure = engine.failures.describe(e.getCause() == null ? e : e.getCause());
                } catch (RuntimeException e) {
                    failure = engine.failures.describe(e);
                }
            }
            if (failure == null) {
                out.write(OutputLines.response(ids[0], s.customId, 200, ids[1], body));
                p.completed++;
            } else {
                err.write(OutputLines.response(ids[0], s.customId, failure.status(), ids[1],
                        endpoint.errorBody(failure)));
                p.failed++;
            }
        }
        p.lines++;
        p.inputOffset = s.end;
    }

    /** @param line the line's bytes, needed only when its {@code customId} is not yet known */
    private void writeExpired(LineReader.Line line, long end, long index, String customId, AppendLog err,
            Progress p) throws IOException {
        String custom = customId;
        if (custom == null && line != null) {
            try {
                custom = InputLine.parse(line, engine.get(id).endpoint()).customId();
            } catch (InputLine.Invalid e) {
                custom = null;
            }
        }
        err.write(OutputLines.error(Ids.request(id, index)[0], custom, "batch_expired",
                "the batch's completion window ended before this request ran"));
        p.failed++;
        p.lines++;
        p.inputOffset = end;
    }

    private static String compact(String body) {
        return body.indexOf('\n') < 0 && body.indexOf('\r') < 0 ? body : body.replace("\r", "").replace("\n", "");
    }

    /** Waits for running lines until the shutdown grace ends, writes those that finished, checkpoints. */
    private void stopForShutdown(Window w, AppendLog out, AppendLog err) throws IOException, InterruptedException {
        while (!w.slots.isEmpty()) {
            await(w.slots.peekFirst(), engine.stopDeadline() - engine.ticker.read());
            if (w.drain(out, err) == 0) {
                break;
            }
        }
        checkpoint(w.p, out, err);
    }

    private void checkpoint(Progress p, AppendLog out, AppendLog err) throws IOException {
        long outBytes = out.commit();
        long errBytes = err.commit();
        engine.checkHalted();
        engine.store.checkpoint(id, new Checkpoint(p.inputOffset, p.lines, outBytes, errBytes, p.completed, p.failed));
    }

    /** Publishes the output and error files (the committed part of them) and ends the batch. */
    private void publish() throws IOException {
        JobWork work = engine.store.work(id);
        StoredFile output = publishFile(work.outputFileId(), work.checkpoint().outputBytes(), "output");
        StoredFile errors = publishFile(work.errorFileId(), work.checkpoint().errorBytes(), "error");
        engine.store.finish(id, work.outcome(), now(), output, errors);
    }

    private StoredFile publishFile(String fileId, long committed, String kind) throws IOException {
        if (fileId == null) {
            return null;
        }
        Path path = engine.files.path(fileId);
        if (committed == 0) {
            Files.deleteIfExists(path);
            return null;
        }
        try (AppendLog trim = AppendLog.open(path, committed)) {
            trim.commit();
        }
        return new StoredFile(fileId, FileStore.PURPOSE_BATCH_OUTPUT, "batch_" + id + "_" + kind + ".jsonl",
                committed, now());
    }
}
