package io.batchwise.schedule;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.QueueConfig;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.runtime.ModelSignature;
import io.batchwise.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The scheduling state of one model: admission, the per-bucket queues, batch formation on free
 * instances, and completion with reassembly. Single-threaded logic: the caller holds a lock
 * (the {@link Scheduler}'s model worker) and passes the time in, so tests drive it with a fake
 * clock and no threads.
 *
 * <p>Bulk rows run in one of two ways. With a bulk lane ({@code bulk_instances}, by default one
 * single-threaded session per core on CPU), they run there at the largest batch while the live
 * instances take live rows only: the lane's threads run at background priority, so the kernel,
 * not this class, keeps them out of live work's way, mid-run included. Without one, they top up
 * live runs within the earliest deadline's slack and run alone on idle live instances in sizes
 * that keep the tightest live budget safe ({@link #fillWithBulk}, {@link #formBulk}).
 */
final class ModelScheduler {
    private static final long RATE_TAU_NANOS = 500_000_000L;
    private static final long GUARD_NANOS = 1_000_000L;
    private static final long BUDGET_MEMORY_NANOS = 10_000_000_000L;
    /** How far the tail reserve moves, as a share of the budget, before the listener hears of it again. */
    private static final double RESERVE_REPORT_STEP = 0.001;

    final String model;
    final String version;
    final ModelConfig config;
    private final ModelSignature signature;
    private final BatchPolicy policy;
    private final SchedulerListener listener;
    private final Map<BucketKey, Bucket> buckets = new LinkedHashMap<>();
    private final Map<BucketKey, LatencyModel> latency = new HashMap<>();
    private final LatencyModel modelLatency;
    private final boolean[] busy;
    private final long[] busyUntil;
    /** Instances {@code [0, live)} run live rows; {@code [live, busy.length)} are the bulk lane. */
    private final int live;
    private long liveRows;
    private long bulkRows;
    private long seq;
    private long wakeAt = Long.MAX_VALUE;
    private long tightestBudget;
    private long tightestBudgetSeen;
    private boolean closed;
    private final List<Runnable> completions = new ArrayList<>();
    /** The tail reserve last reported to the listener, by service class (NaN: not yet). */
    private final double[] reportedReserve = new double[ServiceClass.values().length];

    ModelScheduler(String model, String version, ModelConfig config, ModelSignature signature, int instances,
                   SchedulerListener listener) {
        this(model, version, config, signature, instances, 0, listener);
    }

    /**
     * @param instances live instances
     * @param lanes     bulk-lane instances, numbered after the live ones (0: bulk rows share the
     *                  live instances)
     */
    ModelScheduler(String model, String version, ModelConfig config, ModelSignature signature, int instances,
                   int lanes, SchedulerListener listener) {
        this.model = model;
        this.version = version;
        this.config = config;
        this.signature = signature;
        this.policy = BatchPolicy.of(config);
        this.listener = listener;
        this.modelLatency = new LatencyModel(config.maxBatchSize());
        this.live = instances;
        this.busy = new boolean[instances + lanes];
        this.busyUntil = new long[instances + lanes];
        this.tightestBudget = config.latencyTarget().toNanos();
        Arrays.fill(reportedReserve, Double.NaN);
        reportReserve(ServiceClass.INTERACTIVE);
        reportReserve(ServiceClass.DEFERRED);
    }

    /** Tells the policy how much of its budget a live request used, and the listener the reserve that follows. */
    private void finishedLive(Pending p, long now) {
        policy.finished(p.serviceClass, now - p.arrival, p.deadline - p.arrival);
        reportReserve(p.serviceClass);
    }

    /** Reports a class's tail reserve at load and when it has moved by a tenth of a percent of the budget. */
    private void reportReserve(ServiceClass cls) {
        double share = policy.reserve(cls);
        double last = reportedReserve[cls.ordinal()];
        if (Double.isNaN(last) || Math.abs(share - last) >= RESERVE_REPORT_STEP) {
            reportedReserve[cls.ordinal()] = share;
            listener.onTailReserve(model, cls, share);
        }
    }

    /** The batching policy the model's config names. */
    BatchPolicy policy() {
        return policy;
    }

    /** The model-wide latency model (warm-up and every bucket's runs feed it). */
    LatencyModel latency() {
        return modelLatency;
    }

    /**
     * A bucket's own t(n) once it has run, else the model-wide one. A bucket's model starts as a
     * copy of the model-wide one (warm-up included) and then learns from its own runs: started
     * empty, a single observed run would make it extrapolate t(n) in proportion to n and shrink
     * every later batch to a few rows.
     */
    private LatencyModel latency(BucketKey key) {
        LatencyModel m = latency.get(key);
        return m != null ? m : modelLatency;
    }

    /**
     * Admits a request or throws: {@code InvalidInput}, {@link Overloaded} (queue full),
     * {@link DeadlineExceeded} (cannot make its deadline, under {@code timeout_action: reject}).
     */
    Pending admit(Submission s, long now) {
        if (closed) {
            throw new ModelNotReady("model '" + model + "' is unloading");
        }
        long rows = signature.validate(s.request());
        Duration budget = Admission.budget(s, config);
        ServiceClass cls = Admission.serviceClass(s, budget, config);
        String tag = Admission.tag(s);
        BucketKey key = BucketKey.of(s.request().inputs());
        long deadline = cls == ServiceClass.BULK ? Long.MAX_VALUE : saturatedAdd(now, budget.toNanos());
        QueueConfig q = config.queue();
        if (cls == ServiceClass.BULK) {
            if (bulkRows + rows > 16L * q.maxRows()) {
                throw rejected(cls, rows, new Overloaded("model '" + model + "' bulk queue is full (" + bulkRows
                        + " rows)", 1));
            }
        } else {
            if (liveRows + rows > q.maxRows()) {
                throw rejected(cls, rows, new Overloaded("model '" + model + "' queue is full (" + liveRows + " of "
                        + q.maxRows() + " rows)", retryAfterSeconds(liveRows)));
            }
            long estimate = estimateCompletion(key, rows, deadline, now);
            if (estimate > deadline && q.timeoutAction() == QueueConfig.TimeoutAction.REJECT) {
                throw rejected(cls, rows, new DeadlineExceeded("model '" + model + "' cannot finish " + rows
                        + " row(s) within the " + budget.toMillis() + " ms budget (estimated "
                        + (estimate - now) / 1_000_000 + " ms)", retryAfterSeconds(liveRows)));
            }
            if (cls == ServiceClass.INTERACTIVE) {
                noteBudget(budget.toNanos(), now);
            }
        }
        Pending p = new Pending(s.request(), rows, cls, now, deadline, tag, s.jobId(), key, seq++);
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(k, RATE_TAU_NANOS));
        bucket.add(p);
        if (cls == ServiceClass.BULK) {
            bulkRows += rows;
        } else {
            liveRows += rows;
            bucket.rate.arrive(now, rows);
        }
        return p;
    }

    private RuntimeException rejected(ServiceClass cls, long rows, RuntimeException e) {
        listener.onRequestDone(model, cls, Outcome.REJECTED, (int) rows, 0, 0, 0, false);
        return e;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private void noteBudget(long budget, long now) {
        if (now - tightestBudgetSeen > BUDGET_MEMORY_NANOS) {
            tightestBudget = config.latencyTarget().toNanos();
        }
        tightestBudget = Math.min(tightestBudget, budget);
        tightestBudgetSeen = now;
    }

    /**
     * Rows per nanosecond the instances sustain under this model's policy. Without batching a
     * run is one request, so its size is taken as {@code requestRows} (the request being admitted
     * stands for those queued ahead of it).
     */
    private double capacity(LatencyModel lm, long requestRows) {
        int size = policy instanceof NoBatching ? (int) Math.max(1, Math.min(requestRows, config.maxBatchSize()))
                : lm.efficientSize();
        long t = lm.predict(size);
        return t <= 0 ? Double.POSITIVE_INFINITY : live * (double) size / t;
    }

    private long estimateCompletion(BucketKey key, long rows, long deadline, long now) {
        LatencyModel lm = latency(key);
        if (!lm.trained()) {
            return now;
        }
        long ahead = 0;
        for (Bucket b : buckets.values()) {
            for (PriorityQueue<Pending> queue : List.of(b.interactive, b.deferred)) {
                for (Pending p : queue) {
                    if (p.deadline <= deadline) {
                        ahead += p.remaining();
                    }
                }
            }
        }
        long inflight = Long.MAX_VALUE;
        for (int i = 0; i < live; i++) {
            inflight = Math.min(inflight, busy[i] ? Math.max(0, busyUntil[i] - now) : 0);
        }
        if (ahead == 0 && inflight == 0 && rows <= config.maxBatchSize()) {
            // Nothing ahead and an instance free: the request runs at once, so refusing it could
            // only rest on t(n). Admitting it also keeps t(n) learning: if a slow spell pushed the
            // p90 above every budget, refusals would stop all runs and the estimate would never
            // come back down.
            return now;
        }
        // Rows beyond one run's worth (a request split over several runs) queue like rows ahead.
        long beyondFirstRun = Math.max(0, rows - config.maxBatchSize());
        long queueWait = (long) ((ahead + beyondFirstRun) / capacity(lm, rows));
        return now + inflight + queueWait + lm.predict((int) Math.min(rows, config.maxBatchSize()));
    }

    private int retryAfterSeconds(long queuedRows) {
        double cap = capacity(modelLatency, 1);
        double seconds = Double.isInfinite(cap) ? 1 : queuedRows / cap / 1e9;
        return (int) Math.max(1, Math.ceil(seconds));
    }

    /**
     * Expires what passed its deadline, then fills every free instance it should. Returns the
     * batches to run now; {@link #wakeAt()} says when to decide again if nothing else happens.
     */
    List<Batch> poll(long now) {
        wakeAt = Long.MAX_VALUE;
        expire(now);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < live; i++) {
            if (busy[i]) {
                continue;
            }
            Batch b = formLive(i, now);
            if (b == null && !hasLane()) {
                b = formBulk(i, now);
            }
            if (b == null) {
                break;
            }
            busy[i] = true;
            busyUntil[i] = now + latency(b.bucket).predict(b.rows);
            out.add(b);
        }
        for (int i = live; i < busy.length && bulkRows > 0; i++) {
            if (!busy[i]) {
                Batch b = formLane(i);
                busy[i] = true;
                out.add(b);
            }
        }
        return out;
    }

    /** When to call {@link #poll} again if no request arrives and no run completes. */
    long wakeAt() {
        return wakeAt;
    }

    private Batch formLive(int instance, long now) {
        List<Bucket> ordered = new ArrayList<>();
        for (Bucket b : buckets.values()) {
            if (b.liveRows > 0) {
                ordered.add(b);
            }
        }
        ordered.sort(Comparator.comparingLong(b -> b.firstLive().deadline));
        for (Bucket bucket : ordered) {
            LatencyModel lm = latency(bucket.key);
            BatchPolicy.Decision d = policy.decide(bucket, lm, now);
            if (d.rows() <= 0) {
                wakeAt = Math.min(wakeAt, d.wakeAt());
                continue;
            }
            Batch batch = new Batch(instance, bucket.key, d.reason());
            // Bulk may top the run up only within the part of the earliest budget that is not held
            // in reserve for the tail, as the slo policy plans its own waiting.
            long earliest = policy.reservedDeadline(bucket.firstLive());
            if (policy instanceof NoBatching) {
                Pending first = bucket.firstLive();
                java.util.Queue<Pending> queue = first.serviceClass == ServiceClass.INTERACTIVE ? bucket.interactive
                        : bucket.deferred;
                takeOne(queue, first, batch, d.rows(), bucket);
            } else {
                long got = Bucket.take(bucket.interactive, batch, d.rows(), bucket);
                Bucket.take(bucket.deferred, batch, d.rows() - got, bucket);
                if (!hasLane()) {
                    fillWithBulk(bucket, batch, lm, earliest, now);
                }
            }
            liveRows -= batch.rows - bulkIn(batch);
            return batch;
        }
        return null;
    }

    private void takeOne(java.util.Queue<Pending> queue, Pending p, Batch batch, long rows, Bucket bucket) {
        batch.add(p, rows);
        bucket.liveRows -= rows;
        if (p.remaining() == 0) {
            queue.remove(p);
        }
    }

    private static int bulkIn(Batch b) {
        return b.rowsByClass().getOrDefault(ServiceClass.BULK, 0);
    }

    /**
     * Tops a live batch up with bulk rows while the grown run still finishes by {@code earliest}
     * (the earliest deadline less its reserve).
     */
    private void fillWithBulk(Bucket bucket, Batch batch, LatencyModel lm, long earliest, long now) {
        long room = Math.max(batch.rows, lm.efficientSize()) - batch.rows;
        if (room <= 0 || bucket.bulkRows == 0) {
            return;
        }
        long k = room;
        while (k > 0 && now + lm.predict((int) (batch.rows + k)) > earliest - GUARD_NANOS) {
            k /= 2;
        }
        if (k > 0) {
            bulkRows -= Bucket.take(bucket.bulk, batch, k, bucket);
        }
    }

    /**
     * A bulk-only run on an idle instance, sized so that its predicted time stays within half
     * the tightest live budget: an interactive request that arrives meanwhile waits at most one
     * such run and still has half its budget left. When live rows are already waiting for a
     * larger batch, the run must also end before their dispatch time.
     */
    private Batch formBulk(int instance, long now) {
        if (bulkRows == 0) {
            return null;
        }
        long allowed = tightestBudget / 2;
        if (wakeAt != Long.MAX_VALUE) {
            allowed = Math.min(allowed, wakeAt - now);
            if (allowed <= 0) {
                return null;
            }
        }
        for (Bucket bucket : buckets.values()) {
            if (bucket.bulkRows == 0) {
                continue;
            }
            LatencyModel lm = latency(bucket.key);
            int size = Math.max(1, Math.min(lm.efficientSize(), lm.largestWithin(allowed)));
            if (policy instanceof NoBatching) {
                size = (int) Math.min(size, bucket.bulk.peek().remaining());
            }
            Batch batch = new Batch(instance, bucket.key, "bulk");
            bulkRows -= Bucket.take(bucket.bulk, batch, size, bucket);
            return batch;
        }
        return null;
    }

    /**
     * A bulk-only run on a lane instance, at the model's largest batch: its threads run at
     * background priority, so the kernel takes the cores back for live work mid-run and no live
     * request waits for it.
     */
    private Batch formLane(int instance) {
        for (Bucket bucket : buckets.values()) {
            if (bucket.bulkRows == 0) {
                continue;
            }
            long size = config.maxBatchSize();
            if (policy instanceof NoBatching) {
                size = Math.min(size, bucket.bulk.peek().remaining());
            }
            Batch batch = new Batch(instance, bucket.key, "bulk");
            bulkRows -= Bucket.take(bucket.bulk, batch, size, bucket);
            return batch;
        }
        throw new IllegalStateException("bulk rows counted but none queued");
    }

    /**
     * True when a bulk row could start a run now: a lane instance is free, or, without a lane, a
     * live instance is.
     */
    boolean laneFree() {
        int from = hasLane() ? live : 0;
        for (int i = from; i < busy.length; i++) {
            if (!busy[i]) {
                return true;
            }
        }
        return false;
    }

    /** True for an instance of the bulk lane. */
    boolean lane(int instance) {
        return instance >= live;
    }

    /** The lane session that lane instance {@code instance} runs on ({@code LoadedModel.lane}). */
    int laneIndex(int instance) {
        return instance - live;
    }

    private boolean hasLane() {
        return busy.length > live;
    }

    private void expire(long now) {
        if (config.queue().timeoutAction() != QueueConfig.TimeoutAction.REJECT) {
            return;
        }
        for (Bucket b : buckets.values()) {
            for (PriorityQueue<Pending> queue : List.of(b.interactive, b.deferred)) {
                while (!queue.isEmpty() && queue.peek().deadline < now) {
                    Pending p = queue.poll();
                    long left = p.remaining();
                    b.liveRows -= left;
                    liveRows -= left;
                    p.taken = p.rows;
                    finishedLive(p, now);
                    finish(p, Outcome.EXPIRED, new DeadlineExceeded("request to model '" + model
                            + "' expired in the queue after " + (now - p.arrival) / 1_000_000 + " ms", 1), now);
                }
            }
        }
    }

    /** Records a finished run and completes the requests whose rows are all back. */
    void complete(Batch batch, List<List<Tensor>> outputs, long start, long end) {
        busy[batch.instance] = false;
        if (!lane(batch.instance)) {
            // Lane runs share the cores with live work at background priority: their times say
            // nothing about how long a live run takes.
            LatencyModel lm = latency.computeIfAbsent(batch.bucket, k -> modelLatency.copy());
            lm.observe(batch.rows, end - start);
            modelLatency.observe(batch.rows, end - start);
        }
        for (int i = 0; i < batch.slices.size(); i++) {
            Batch.Slice s = batch.slices.get(i);
            Pending p = s.pending();
            p.computeNanos += end - start;
            p.lastRunStart = start;
            if (!p.finished && p.addPiece(s.from(), s.count(), outputs.get(i))) {
                finishSuccess(p, end);
            }
        }
        report(batch, start, end);
    }

    /** Records a failed run: every request in it fails. */
    void fail(Batch batch, Throwable error, long start, long end) {
        List<Object> results = new ArrayList<>();
        batch.slices.forEach(s -> results.add(error));
        completeEach(batch, results, start, end);
    }

    /**
     * Records a batch whose slices were run one by one after the batch as a whole failed, so
     * that one request's bad data fails only that request. Each result is the slice's outputs
     * ({@code List<Tensor>}) or its error ({@code Throwable}). The isolated runs do not train
     * the latency model: they are not the batch size that was planned.
     */
    @SuppressWarnings("unchecked")
    void completeEach(Batch batch, List<Object> results, long start, long end) {
        busy[batch.instance] = false;
        for (int i = 0; i < batch.slices.size(); i++) {
            Batch.Slice s = batch.slices.get(i);
            Pending p = s.pending();
            p.lastRunStart = start;
            p.computeNanos += end - start;
            Object r = results.get(i);
            if (r instanceof Throwable error) {
                dropQueued(p);
                finish(p, Outcome.FAILED, error, end);
            } else if (!p.finished && p.addPiece(s.from(), s.count(), (List<Tensor>) r)) {
                finishSuccess(p, end);
            }
        }
        report(batch, start, end);
    }

    private void report(Batch batch, long start, long end) {
        int instance = batch.instance;
        if (lane(instance)) {
            // A lane has no capacity of its own: it runs on the cores of the live instances, in time
            // they leave idle. Its run is charged to a live instance as the share of that instance's
            // cores its thread used: CPU time over the instance's threads, ending with the run.
            instance = (instance - live) % live;
            long used = batch.cpuNanos < 0 ? end - start : batch.cpuNanos / Math.max(1, config.intraOpThreads());
            start = end - Math.min(end - start, used);
        }
        listener.onRun(new RunRecord(model, instance, start, end, batch.rows, batch.rowsByClass(),
                batch.rowsBy(true), batch.rowsBy(false), batch.reason));
    }

    private void dropQueued(Pending p) {
        long left = p.remaining();
        if (left == 0) {
            return;
        }
        Bucket b = buckets.get(p.bucket);
        p.taken = p.rows;
        if (p.serviceClass == ServiceClass.BULK) {
            b.bulk.remove(p);
            b.bulkRows -= left;
            bulkRows -= left;
        } else {
            (p.serviceClass == ServiceClass.INTERACTIVE ? b.interactive : b.deferred).remove(p);
            b.liveRows -= left;
            liveRows -= left;
        }
    }

    private void finishSuccess(Pending p, long now) {
        try {
            InferenceResponse res = new InferenceResponse(p.request.id(), model, version, p.assemble());
            p.finished = true;
            if (p.serviceClass != ServiceClass.BULK) {
                finishedLive(p, now);
            }
            listener.onRequestDone(model, p.serviceClass, Outcome.SUCCESS, (int) p.rows, p.lastRunStart - p.arrival,
                    p.computeNanos, now - p.arrival, now <= p.deadline);
            completions.add(() -> p.future.complete(res));
        } catch (RuntimeException e) {
            finish(p, Outcome.FAILED, e, now);
        }
    }

    private void finish(Pending p, Outcome outcome, Throwable error, long now) {
        if (p.finished) {
            return;
        }
        p.finished = true;
        long queue = p.lastRunStart == 0 ? now - p.arrival : p.lastRunStart - p.arrival;
        listener.onRequestDone(model, p.serviceClass, outcome, (int) p.rows, queue, p.computeNanos, now - p.arrival,
                false);
        completions.add(() -> p.future.completeExceptionally(error));
    }

    /**
     * Futures to complete, taken out so the caller completes them after releasing its lock:
     * callers' callbacks (encoding a response, writing a file) must not run under it.
     */
    List<Runnable> drainCompletions() {
        if (completions.isEmpty()) {
            return List.of();
        }
        List<Runnable> out = new ArrayList<>(completions);
        completions.clear();
        return out;
    }

    /** Stops admitting and fails every queued request (unload, shutdown); in-flight runs still complete. */
    void close(RuntimeException reason, long now) {
        closed = true;
        for (Bucket b : buckets.values()) {
            List<Pending> all = new ArrayList<>(b.interactive);
            all.addAll(b.deferred);
            all.addAll(b.bulk);
            for (Pending p : all) {
                dropQueued(p);
                finish(p, Outcome.FAILED, reason, now);
            }
        }
    }

    /** True while a run is executing. */
    boolean running() {
        for (boolean b : busy) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    long queuedLiveRows() {
        return liveRows;
    }

    long queuedBulkRows() {
        return bulkRows;
    }

    int instances() {
        return live;
    }
}
