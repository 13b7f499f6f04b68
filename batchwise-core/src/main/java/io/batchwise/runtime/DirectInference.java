package io.batchwise.runtime;

import io.batchwise.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs each request on its own, on the first free instance of its model: no batching across
 * requests. The per-request baseline; the scheduler replaces it in serving.
 */
public final class DirectInference implements InferenceService {
    private final ModelRegistry registry;
    private final ExecutorService workers;
    private final Map<LoadedModel, BlockingQueue<ModelInstance>> free = new ConcurrentHashMap<>();

    public DirectInference(ModelRegistry registry, int threads) {
        this.registry = registry;
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "batchwise-direct");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<InferenceResponse> infer(String model, String version, InferenceRequest request) {
        CompletableFuture<InferenceResponse> result = new CompletableFuture<>();
        try {
            LoadedModel m = registry.ready(model, version);
            m.signature().validate(request);
            workers.execute(() -> {
                try {
                    result.complete(run(m, request));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private InferenceResponse run(LoadedModel m, InferenceRequest request) throws InterruptedException {
        BlockingQueue<ModelInstance> pool = free.computeIfAbsent(m, k -> new LinkedBlockingQueue<>(k.instances()));
        ModelInstance instance = pool.take();
        try {
            if (!m.ready()) {
                throw new ModelNotReady("model '" + m.name() + "' was unloaded");
            }
            List<Tensor> outs = instance.runBatch(List.of(request.inputs()), new HashSet<>(request.outputs())).get(0);
            return new InferenceResponse(request.id(), m.name(), m.version(), outs);
        } finally {
            pool.add(instance);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
