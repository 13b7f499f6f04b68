package io.batchwise.schedule;

import io.batchwise.runtime.Background;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Drives one model's {@link ModelScheduler} with threads: a dispatcher that decides whenever a
 * request arrives, a run completes or a planned wait ends, and one executor thread per instance
 * (an ONNX Runtime session runs one batch at a time).
 *
 * <p>The bulk lane's executor threads run at background priority ({@link Background}): a lane's
 * single-threaded session runs on the calling thread, so the kernel hands its core to any live
 * thread the moment one is runnable and gives it back when the core would idle. Those threads
 * only run ONNX Runtime; the lock and the completions are left to a normal-priority finisher.
 */
final class ModelWorker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelWorker.class.getName());
    private static final int WARM_UP_ROUNDS = 3;
    private static final Object WARM_UP_TURN = new Object();
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    final LoadedModel model;
    final ModelScheduler state;
    private final Ticker ticker;
    private final SchedulerListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<ExecutorService> executors = new ArrayList<>();
    /** Records the bulk lane's runs at normal priority (see {@link #run}). */
    private final ExecutorService laneFinisher;
    private final Thread dispatcher;
    private boolean stopping;
    private boolean closed;

    ModelWorker(LoadedModel model, Ticker ticker, SchedulerListener listener, boolean warmUp) {
        this.model = model;
        this.ticker = ticker;
        this.listener = listener;
        List<ModelInstance> instances = model.instances();
        this.state = new ModelScheduler(model.name(), model.version(), model.config(), model.signature(),
                instances.size(), model.laneCount(), listener);
        if (warmUp) {
            warmUp(instances); // not the lane: its sessions open with the first bulk row
        }
        for (ModelInstance inst : instances) {
            executors.add(Executors.newSingleThreadExecutor(r -> daemon(r, "batchwise-" + model.name() + "-" + inst.ordinal())));
            listener.onInstanceStarted(model.name(), inst.ordinal(), model.config().pool(),
                    slots(model), ticker.read());
        }
        for (int i = 0; i < model.laneCount(); i++) {
            String name = "batchwise-" + model.name() + "-bulk-" + i;
            executors.add(Executors.newSingleThreadExecutor(r -> daemon(() -> {
                Background.lowerCurrentThread();
                r.run();
            }, name)));
        }
        laneFinisher = Executors.newSingleThreadExecutor(r -> daemon(r, "batchwise-" + model.name() + "-bulk-done"));
        dispatcher = daemon(this::dispatchLoop, "batchwise-dispatch-" + model.name());
        dispatcher.start();
    }

    private static int slots(LoadedModel m) {
        return m.config().device().kind() == io.batchwise.model.Device.Kind.CUDA ? 1 : m.config().intraOpThreads();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Admits a submission; the returned future completes on every path. */
    java.util.concurrent.CompletableFuture<io.batchwise.runtime.InferenceResponse> submit(Submission s) {
        lock.lock();
        try {
            Pending p = state.admit(s, ticker.read());
            if (p.serviceClass != ServiceClass.BULK || state.laneFree()) {
                // Bulk rows while every lane is busy wait for a lane's run to end, which wakes the
                // dispatcher anyway; a wake-up per bulk line cost it a seventh of a core.
                changed.signalAll();
            }
            return p.future;
        } finally {
            lock.unlock();
        }
    }

    private void dispatchLoop() {
        while (true) {
            List<Batch> batches;
            List<Runnable> done;
            lock.lock();
            try {
                if (stopping && !state.running()) {
                    done = state.drainCompletions();
                    lock.unlock();
                    done.forEach(Runnable::run);
                    lock.lock();
                    closed = true;
                    changed.signalAll();
                    return;
                }
                long now = ticker.read();
                batches = stopping ? List.of() : state.poll(now);
                done = state.drainCompletions();
                if (batches.isEmpty() && done.isEmpty()) {
                    long wake = state.wakeAt();
                    long wait = wake == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : wake - now;
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                    }
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
            done.forEach(Runnable::run);
            for (Batch b : batches) {
                executors.get(b.instance).execute(() -> run(b));
            }
        }
    }

    private void run(Batch batch) {
        List<List<Tensor>> inputs = new ArrayList<>(batch.slices.size());
        for (Batch.Slice s : batch.slices) {
            inputs.add(s.pending().inputs(s.from(), s.count()));
        }
        Set<String> outputs = batch.outputs();
        boolean lane = state.lane(batch.instance);
        List<List<Tensor>> result = null;
        Throwable error = null;
        ModelInstance instance = null;
        try {
            instance = lane ? model.lane(state.laneIndex(batch.instance)) : model.instances().get(batch.instance);
        } catch (RuntimeException e) {
            error = e; // a lane session that does not open fails this batch's rows with the reason
        }
        long cpuStart = lane ? CPU.getCurrentThreadCpuTime() : 0;
        long start = ticker.read();
        if (instance != null) {
            try {
                result = instance.runBatch(inputs, outputs);
            } catch (Throwable t) {
                error = t;
            }
        }
        List<Object> isolated = null;
        if (error != null && instance != null && inputs.size() > 1) {
            isolated = runEach(instance, inputs, outputs);
        }
        long end = ticker.read();
        if (lane) {
            long cpuEnd = CPU.getCurrentThreadCpuTime();
            batch.cpuNanos = cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart;
            // A background thread must not take the lock: preempted while holding it, it would
            // hold up every live request behind it (priority inversion).
            List<List<Tensor>> r = result;
            Throwable e = error;
            List<Object> each = isolated;
            laneFinisher.execute(() -> finish(batch, r, e, each, start, end));
        } else {
            finish(batch, result, error, isolated, start, end);
        }
    }

    private void finish(Batch batch, List<List<Tensor>> result, Throwable error, List<Object> isolated, long start,
                        long end) {
        List<Runnable> done;
        lock.lock();
        try {
            if (error == null) {
                state.complete(batch, result, start, end);
            } else if (isolated != null) {
                state.completeEach(batch, isolated, start, end);
            } else {
                state.fail(batch, error, start, end);
            }
            done = state.drainCompletions();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        done.forEach(Runnable::run);
    }

    /** Reruns a failed batch's slices one at a time, so a bad request fails alone. */
    private static List<Object> runEach(ModelInstance instance, List<List<Tensor>> inputs, Set<String> outputs) {
        List<Object> results = new ArrayList<>(inputs.size());
        for (List<Tensor> one : inputs) {
            try {
                results.add(instance.runBatch(List.of(one), outputs).get(0));
            } catch (Throwable t) {
                results.add(t);
            }
        }
        return results;
    }

    /**
     * Seeds t(n) with runs of 1, 2, 4 ... max rows of zeros on every instance: one unmeasured
     * round, then {@link #WARM_UP_ROUNDS} measured ones. Warm-ups of different models take turns,
     * so models loading together do not inflate each other's first estimates.
     */
    private void warmUp(List<ModelInstance> instances) {
        List<TensorSpec> specs = model.signature().inputs();
        if (specs.stream().anyMatch(s -> s.type() == DataType.BYTES)) {
            return;
        }
        int max = model.config().maxBatchSize();
        synchronized (WARM_UP_TURN) {
            for (ModelInstance inst : instances) {
                for (int round = 0; round <= WARM_UP_ROUNDS; round++) {
                    for (int n = 1; ; n = Math.min(max, n * 2)) {
                        List<Tensor> inputs = zeros(specs, n);
                        long start = ticker.read();
                        try {
                            inst.runBatch(List.of(inputs), Set.of());
                        } catch (RuntimeException e) {
                            LOG.warning("warm-up of " + model.name() + " failed: " + e.getMessage());
                            return;
                        }
                        if (round > 0) {
                            state.latency().observe(n, ticker.read() - start);
                        }
                        if (n == max) {
                            break;
                        }
                    }
                }
            }
        }
    }

    private static List<Tensor> zeros(List<TensorSpec> specs, int rows) {
        List<Tensor> out = new ArrayList<>();
        for (TensorSpec s : specs) {
            long[] shape = s.shape();
            shape[0] = rows;
            for (int i = 1; i < shape.length; i++) {
                shape[i] = shape[i] < 0 ? 1 : shape[i];
            }
            int bytes = Math.toIntExact(Tensor.elementCount(shape) * s.type().byteSize());
            out.add(Tensor.of(s.name(), s.type(), shape, ByteBuffer.allocate(bytes)));
        }
        return out;
    }

    /**
     * Stops: queued requests fail with {@code reason}, in-flight runs finish and deliver, then
     * the threads end. Idempotent.
     */
    void stop(RuntimeException reason) {
        List<Runnable> done;
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            stopping = true;
            state.close(reason, ticker.read());
            done = state.drainCompletions();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        done.forEach(Runnable::run);
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!closed && System.nanoTime() < deadline) {
                changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        executors.forEach(ExecutorService::shutdown);
        laneFinisher.shutdown();
        for (ModelInstance inst : model.instances()) {
            listener.onInstanceStopped(model.name(), inst.ordinal(), ticker.read());
        }
    }

    @Override
    public void close() {
        stop(new io.batchwise.runtime.ModelNotReady("server is shutting down"));
    }
}
