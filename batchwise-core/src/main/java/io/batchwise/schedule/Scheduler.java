package io.batchwise.schedule;

import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.InferenceService;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.runtime.ModelRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-model schedulers behind every front end. Live requests arrive through
 * {@link #infer}; batch jobs submit bulk rows through {@link #submit}. A model's scheduler
 * starts (with a short warm-up that seeds its latency model) when the model is prepared or first
 * used, and stops when the model is unloaded: its queued requests fail, its running ones finish.
 */
public final class Scheduler implements InferenceService {
    private final ModelRegistry registry;
    private final Ticker ticker;
    private final SchedulerListener listener;
    private final boolean warmUp;
    private final Map<LoadedModel, ModelWorker> workers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public Scheduler(ModelRegistry registry, Ticker ticker, SchedulerListener listener, boolean warmUp) {
        this.registry = registry;
        this.ticker = ticker;
        this.listener = listener;
        this.warmUp = warmUp;
        registry.onUnload(this::stop);
    }

    /** Starts the schedulers of every ready model (warm-up included). */
    public void prepareAll() {
        for (LoadedModel m : registry.all()) {
            if (m.ready()) {
                worker(m);
            }
        }
    }

    private ModelWorker worker(LoadedModel m) {
        if (closed) {
            throw new ModelNotReady("server is shutting down");
        }
        ModelWorker w = workers.computeIfAbsent(m, k -> {
            // Checked here, under the map's lock for this model, not only by the caller: an unload
            // marks the model unloading before it removes and stops its worker, so a worker is either
            // created before that removal (and stopped by it) or not at all. Otherwise a request that
            // saw the model ready just before an unload would start a worker on closing sessions.
            if (!k.ready()) {
                throw new ModelNotReady("model '" + k.name() + "' is not ready (" + k.state().name().toLowerCase()
                        + ")");
            }
            return new ModelWorker(k, ticker, listener, warmUp);
        });
        if (closed && workers.remove(m, w)) {
            // close() ran while this worker was being created and did not see it.
            w.close();
            throw new ModelNotReady("server is shutting down");
        }
        return w;
    }

    @Override
    public CompletableFuture<InferenceResponse> infer(String model, String version, InferenceRequest request) {
        return submit(model, version, Submission.live(request));
    }

    /**
     * Submits a request with an explicit class, budget, tag or job. The future completes with the
     * response or a typed error on every path (shed, expired, failed, unload, shutdown).
     */
    public CompletableFuture<InferenceResponse> submit(String model, String version, Submission submission) {
        try {
            return worker(registry.ready(model, version)).submit(submission);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The learned t(n) curve of a model: (rows, p90 seconds) per size class. */
    public List<double[]> latencyCurve(String model) {
        ModelWorker w = workers.get(registry.ready(model, null));
        return w == null ? List.of() : w.state.latency().curve();
    }

    /** Predicted p90 seconds of a run of {@code rows} rows of a model, 0 when not yet known. */
    public double predictSeconds(String model, int rows) {
        ModelWorker w = workers.get(registry.ready(model, null));
        return w == null ? 0 : w.state.latency().predict(rows) / 1e9;
    }

    private void stop(LoadedModel m) {
        ModelWorker w = workers.remove(m);
        if (w != null) {
            w.stop(new ModelNotReady("model '" + m.name() + "' was unloaded"));
        }
    }

    /** Fails queued work, lets running batches finish, stops every model's threads; idempotent. */
    @Override
    public void close() {
        closed = true;
        for (LoadedModel m : List.copyOf(workers.keySet())) {
            ModelWorker w = workers.remove(m);
            if (w != null) {
                w.close();
            }
        }
    }
}
