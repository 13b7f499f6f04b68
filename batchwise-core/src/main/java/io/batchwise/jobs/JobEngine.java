package io.batchwise.jobs;

import io.batchwise.model.Durations;
import io.batchwise.model.InvalidConfig;
import io.batchwise.schedule.Ticker;
import io.batchwise.tensor.InvalidInput;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Runs batch jobs: input file → lines → bulk rows in the scheduler → output and error
 * files, durably. A batch is validated, runs with a bounded number of rows in flight (so several
 * batches share capacity and memory stays flat), writes its results in input order and commits
 * a checkpoint every few thousand lines or seconds; a batch interrupted at any moment (crash,
 * {@code kill -9}, shutdown) resumes from its last checkpoint when the engine starts again, and
 * its files end with every line exactly once. Closing the engine is a graceful stop: no new
 * rows, running ones get the shutdown grace to finish and be recorded.
 */
public final class JobEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobEngine.class.getName());
    /** OpenAI's metadata limits. */
    private static final int MAX_METADATA_KEYS = 16;
    private static final int MAX_METADATA_KEY = 64;
    private static final int MAX_METADATA_VALUE = 512;
    /** How often {@link #await} reads the store when no run has ended meanwhile. */
    private static final long AWAIT_RECHECK_MILLIS = 200;

    final JobStore store;
    final FileStore files;
    final RowRunner rows;
    final RowFailures failures;
    final Clock clock;
    final Ticker ticker;
    final JobSettings settings;
    private final List<BatchEndpoint> endpoints;
    private final ExecutorService runners;
    /** Turns at the engine's CPU work (decoding and encoding lines), fair so batches interleave. */
    final java.util.concurrent.Semaphore cpu;
    private final Map<String, JobRun> active = new ConcurrentHashMap<>();
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    /** Notified, and {@link #runsEnded} counted, whenever a run ends; {@link #await} waits on it. */
    private final Object runEnded = new Object();
    private long runsEnded;
    private volatile boolean stopping;
    private volatile long stopDeadline;
    private volatile boolean halted;
    private boolean closed;

    /**
     * @param rows      where the rows run: the live scheduler ({@code scheduler::submit}) or, offline, a
     *                  {@link FullBatchRunner}
     * @param endpoints the APIs batch lines may call
     * @param failures  how a failed line's exception becomes its status and message
     * @param clock     wall time for the batch timestamps and the completion window
     * @param ticker    monotonic time for checkpoint intervals, back-off and the shutdown grace
     */
    public JobEngine(JobStore store, FileStore files, RowRunner rows, List<BatchEndpoint> endpoints,
                     RowFailures failures, Clock clock, Ticker ticker, JobSettings settings) {
        this.store = store;
        this.files = files;
        this.rows = rows;
        this.endpoints = List.copyOf(endpoints);
        this.failures = failures;
        this.clock = clock;
        this.ticker = ticker;
        this.settings = settings;
        this.cpu = new java.util.concurrent.Semaphore(settings.cpuThreads(), true);
        AtomicInteger n = new AtomicInteger();
        this.runners = Executors.newFixedThreadPool(settings.maxConcurrentJobs(), r -> {
            Thread t = new Thread(r, "batchwise-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Resumes every batch that had not finished when the engine last stopped; returns their ids. */
    public List<String> start() {
        List<String> ids = store.unfinished();
        if (!ids.isEmpty()) {
            LOG.info(() -> "resuming " + ids.size() + " unfinished batch(es): " + ids);
        }
        ids.forEach(this::schedule);
        return ids;
    }

    /**
     * Creates a batch over an uploaded input file and queues it for validation.
     *
     * @param completionWindow a duration such as {@code 24h} (null: 24h); the batch's deadline
     * @throws UnknownId    when the input file does not exist
     * @throws InvalidInput when the endpoint, window, file purpose or metadata is not acceptable
     * @throws io.batchwise.runtime.ModelNotFound when the endpoint names a model not served
     */
    public BatchJob create(String inputFileId, String endpoint, String completionWindow, Map<String, String> metadata) {
        return create(Ids.batch(), inputFileId, endpoint, completionWindow, metadata);
    }

    /**
     * Creates a batch under an id the caller chooses: offline runs use a fixed one, so a rerun
     * writes byte-identical files (line ids derive from the batch id).
     *
     * @throws JobConflict when a batch with that id exists
     * @see #create(String, String, String, Map)
     */
    public BatchJob create(String batchId, String inputFileId, String endpoint, String completionWindow,
                           Map<String, String> metadata) {
        if (!Ids.safe(batchId)) {
            throw new InvalidInput("batch id must be 1-64 letters, digits, '_' or '-' (got '" + batchId + "')");
        }
        if (store.batch(batchId).isPresent()) {
            throw new JobConflict("batch '" + batchId + "' exists");
        }
        if (stopping) {
            throw new IllegalStateException("the job engine is shutting down");
        }
        if (inputFileId == null || inputFileId.isBlank()) {
            throw new InvalidInput("'input_file_id' is required");
        }
        StoredFile input = files.get(inputFileId);
        if (!FileStore.PURPOSE_BATCH.equals(input.purpose())) {
            throw new InvalidInput("file '" + inputFileId + "' has purpose '" + input.purpose()
                    + "'; a batch's input file must have purpose 'batch'");
        }
        endpoint(endpoint).check(endpoint);
        String window = completionWindow == null ? "24h" : completionWindow;
        Duration d;
        try {
            d = Durations.parse("completion_window", window);
        } catch (InvalidConfig e) {
            throw new InvalidInput(e.getMessage());
        }
        if (d.toSeconds() < 1) {
            throw new InvalidInput("completion_window: must be at least 1s (got " + window + ")");
        }
        checkMetadata(metadata);
        String id = batchId;
        long now = clock.instant().getEpochSecond();
        store.insertBatch(id, endpoint, inputFileId, window, metadata == null ? Map.of() : metadata, now,
                now + d.toSeconds());
        schedule(id);
        return get(id);
    }

    private static void checkMetadata(Map<String, String> metadata) {
        if (metadata == null) {
            return;
        }
        if (metadata.size() > MAX_METADATA_KEYS) {
            throw new InvalidInput("metadata: at most " + MAX_METADATA_KEYS + " keys (got " + metadata.size() + ")");
        }
        metadata.forEach((k, v) -> {
            if (k.length() > MAX_METADATA_KEY || v == null || v.length() > MAX_METADATA_VALUE) {
                throw new InvalidInput("metadata: keys are at most " + MAX_METADATA_KEY + " characters and values"
                        + " strings of at most " + MAX_METADATA_VALUE + " (key '" + k + "')");
            }
        });
    }

    /** The endpoint serving batches created for {@code endpoint}. @throws InvalidInput when none does */
    BatchEndpoint endpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new InvalidInput("'endpoint' is required: /v1/embeddings or /v2/models/{model}/infer");
        }
        for (BatchEndpoint e : endpoints) {
            if (e.serves(endpoint)) {
                return e;
            }
        }
        throw new InvalidInput("endpoint '" + endpoint + "' is not supported: use /v1/embeddings or"
                + " /v2/models/{model}/infer");
    }

    /** A batch. @throws UnknownId when there is none */
    public BatchJob get(String id) {
        return store.batch(id).orElseThrow(() -> new UnknownId("no batch '" + id + "'"));
    }

    /** Batches, newest first, after the batch {@code after}. */
    public Page<BatchJob> list(String after, int limit) {
        return store.batches(after, limit);
    }

    /**
     * Cancels a batch: no more lines start, running ones finish, and the batch ends
     * {@code cancelled} with the results so far. Cancelling a cancelling batch is a no-op.
     *
     * @throws JobConflict when the batch is finalizing or has ended
     */
    public BatchJob cancel(String id) {
        BatchJob job = get(id);
        if (job.status() == BatchStatus.CANCELLING) {
            return job;
        }
        if (!store.requestCancel(id, clock.instant().getEpochSecond())) {
            job = get(id);
            if (job.status() == BatchStatus.CANCELLING) {
                return job;
            }
            throw new JobConflict("batch '" + id + "' is " + job.status().wireName()
                    + "; only validating or in_progress batches can be cancelled");
        }
        JobRun run = active.get(id);
        if (run != null) {
            run.cancel();
        }
        schedule(id);
        return get(id);
    }

    /**
     * Waits until a batch has ended (or the timeout passes) and returns it. It reads the store
     * when a run ends, and every {@link #AWAIT_RECHECK_MILLIS} for batches ended without a run
     * (a cancel before the batch started): polling the store every few milliseconds took a few
     * percent of a core beside a running job.
     */
    public BatchJob await(String id, Duration timeout) throws InterruptedException {
        long end = ticker.read() + timeout.toNanos();
        while (true) {
            long runsEnded;
            synchronized (runEnded) {
                runsEnded = this.runsEnded;
            }
            BatchJob job = get(id);
            long left = end - ticker.read();
            if (job.status().terminal() || left <= 0) {
                return job;
            }
            synchronized (runEnded) {
                if (this.runsEnded == runsEnded) {
                    runEnded.wait(Math.max(1, Math.min(AWAIT_RECHECK_MILLIS, left / 1_000_000)));
                }
            }
        }
    }

    private void schedule(String id) {
        if (stopping || !scheduled.add(id)) {
            return;
        }
        try {
            runners.execute(() -> {
                JobRun run = new JobRun(this, id);
                active.put(id, run);
                try {
                    run.run();
                } finally {
                    active.remove(id);
                    scheduled.remove(id);
                    synchronized (runEnded) {
                        runsEnded++;
                        runEnded.notifyAll();
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            scheduled.remove(id);
        }
    }

    /**
     * Rows one running batch may have in flight now: {@link JobSettings#maxInFlightRows()} shared
     * equally by the batches running, so that one batch alone keeps every bulk lane busy and
     * several together hold no more rows than one.
     */
    int inFlightShare() {
        return Math.max(1, settings.maxInFlightRows() / Math.max(1, active.size()));
    }

    boolean stopping() {
        return stopping;
    }

    /** Monotonic time by which running lines must have finished during a shutdown. */
    long stopDeadline() {
        return stopDeadline;
    }

    /** Throws when the engine was halted (a simulated crash): the run ends without another write. */
    void checkHalted() {
        if (halted) {
            throw new Halted();
        }
    }

    /** Thrown through a run when the engine is halted; never escapes the engine. */
    static final class Halted extends RuntimeException {
        Halted() {
            super("halted", null, false, false);
        }
    }

    /**
     * Stops as a crash would, for tests: runs end at their next step without finishing lines,
     * writing or checkpointing. The store is left as a killed process leaves it.
     */
    void halt() throws InterruptedException {
        halted = true;
        stopping = true;
        runners.shutdownNow();
        runners.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * Stops gracefully: no new rows are taken, rows already running get the shutdown grace to
     * finish and be checkpointed, the rest run again after restart. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long grace = settings.shutdownGrace().toNanos();
        // leave a little of the grace for the last checkpoint
        stopDeadline = ticker.read() + grace - Math.min(TimeUnit.SECONDS.toNanos(1), grace / 5);
        stopping = true;
        runners.shutdown();
        try {
            if (!runners.awaitTermination(grace, TimeUnit.NANOSECONDS)) {
                runners.shutdownNow();
                runners.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            runners.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
