package io.batchwise.jobs;

import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.schedule.Submission;
import io.batchwise.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs bulk rows in full batches of each model's {@code max_batch_size}, one thread per
 * instance, for offline runs ({@code batchwise batch run}) where no live request will ever wait.
 * The live scheduler sizes bulk runs so that a live request arriving mid-run still makes its
 * deadline; with no live traffic that caution only costs throughput.
 *
 * <p>Rows are grouped by input shape (beyond the row dimension) and requested outputs, since
 * only such rows can share a run. A run that fails is rerun request by request, so one bad
 * request fails alone. When fewer than a full batch of rows is queued, an instance waits up to
 * {@code linger} for more before running what there is.
 */
public final class FullBatchRunner implements RowRunner, AutoCloseable {
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final ModelRegistry registry;
    private final Map<LoadedModel, ModelQueue> queues = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder runs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder rowsRun = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;

    public FullBatchRunner(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<InferenceResponse> submit(String model, String version, Submission submission) {
        try {
            if (closed) {
                throw new ModelNotReady("the runner is closed");
            }
            LoadedModel m = registry.ready(model, version);
            long rows = m.signature().validate(submission.request());
            Queued q = new Queued(submission.request(), rows, key(submission.request()));
            queues.computeIfAbsent(m, ModelQueue::new).add(q);
            return q.future;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String key(InferenceRequest r) {
        StringBuilder b = new StringBuilder();
        for (Tensor t : r.inputs()) {
            long[] shape = t.shape();
            b.append(t.name()).append(':').append(t.type()).append(Arrays.toString(Arrays.copyOfRange(shape, 1,
                    shape.length))).append(';');
        }
        return b.append(new TreeSet<>(r.outputs())).toString();
    }

    private record Queued(InferenceRequest request, long rows, String key, CompletableFuture<InferenceResponse> future) {
        Queued(InferenceRequest request, long rows, String key) {
            this(request, rows, key, new CompletableFuture<>());
        }
    }

    /** One model's queue and its instance threads. */
    private final class ModelQueue {
        final LoadedModel model;
        final int maxRows;
        final ReentrantLock lock = new ReentrantLock();
        final Condition arrived = lock.newCondition();
        final Map<String, Deque<Queued>> byKey = new LinkedHashMap<>();
        long queuedRows;
        final List<Thread> threads = new ArrayList<>();

        ModelQueue(LoadedModel model) {
            this.model = model;
            this.maxRows = model.config().maxBatchSize();
            for (ModelInstance instance : model.instances()) {
                Thread t = new Thread(() -> loop(instance), "batchwise-offline-" + model.name() + "-"
                        + instance.ordinal());
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void add(Queued q) {
            lock.lock();
            try {
                byKey.computeIfAbsent(q.key(), k -> new ArrayDeque<>()).addLast(q);
                queuedRows += q.rows();
                arrived.signal();
            } finally {
                lock.unlock();
            }
        }

        private void loop(ModelInstance instance) {
            while (!closed) {
                List<Queued> batch;
                try {
                    batch = take();
                } catch (InterruptedException e) {
                    return;
                }
                if (batch != null) {
                    run(instance, batch);
                }
            }
        }

        /** The next group of whole requests, up to a full batch; waits briefly for a full one. */
        private List<Queued> take() throws InterruptedException {
            lock.lock();
            try {
                while (queuedRows == 0) {
                    if (closed) {
                        return null;
                    }
                    arrived.await(100, TimeUnit.MILLISECONDS);
                }
                long deadline = System.nanoTime() + LINGER_NANOS;
                while (queuedRows < maxRows && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    arrived.awaitNanos(left);
                }
                Deque<Queued> group = byKey.values().stream().filter(d -> !d.isEmpty()).findFirst().orElse(null);
                if (group == null) {
                    return null;
                }
                List<Queued> batch = new ArrayList<>();
                long rows = 0;
                while (!group.isEmpty() && (batch.isEmpty() || rows + group.peekFirst().rows() <= maxRows)) {
                    Queued q = group.pollFirst();
                    batch.add(q);
                    rows += q.rows();
                }
                queuedRows -= rows;
                return batch;
            } finally {
                lock.unlock();
            }
        }

        private void run(ModelInstance instance, List<Queued> batch) {
            List<List<Tensor>> inputs = new ArrayList<>(batch.size());
            for (Queued q : batch) {
                inputs.add(q.request().inputs());
            }
            Set<String> outputs = Set.copyOf(batch.get(0).request().outputs());
            try {
                List<List<Tensor>> results = instance.runBatch(inputs, outputs);
                runs.increment();
                rowsRun.add(batch.stream().mapToLong(Queued::rows).sum());
                for (int i = 0; i < batch.size(); i++) {
                    Queued q = batch.get(i);
                    q.future().complete(new InferenceResponse(q.request().id(), model.name(), model.version(),
                            results.get(i)));
                }
            } catch (RuntimeException e) {
                if (batch.size() == 1) {
                    batch.get(0).future().completeExceptionally(e);
                } else {
                    for (Queued q : batch) {
                        run(instance, List.of(q));
                    }
                }
            }
        }

        void close() {
            lock.lock();
            try {
                arrived.signalAll();
                for (Deque<Queued> d : byKey.values()) {
                    for (Queued q : d) {
                        q.future().completeExceptionally(new ModelNotReady("the runner is closing"));
                    }
                    d.clear();
                }
                queuedRows = 0;
            } finally {
                lock.unlock();
            }
            for (Thread t : threads) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Mean rows per successful run so far (0 before the first). */
    public double meanRowsPerRun() {
        long n = runs.sum();
        return n == 0 ? 0 : rowsRun.sum() / (double) n;
    }

    /** Fails queued rows, lets running batches finish, stops the threads; idempotent. */
    @Override
    public void close() {
        closed = true;
        for (ModelQueue q : queues.values()) {
            q.close();
        }
    }
}
