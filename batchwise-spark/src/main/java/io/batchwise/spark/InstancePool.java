package io.batchwise.spark;

import io.batchwise.model.ModelConfig;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.runtime.ModelSignature;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * The ONNX Runtime sessions of one model in one JVM. A {@link ModelInstance} runs one batch at
 * a time, so a task borrows a session for each run and gives it back; when every session is
 * busy a new one is opened. The pool therefore grows to the number of tasks that run at once
 * in the JVM (its task slots) and no further, and every later partition reuses those sessions.
 */
final class InstancePool {
    private final OnnxRuntime runtime;
    private final Path file;
    private final ModelConfig config;
    private final ArrayDeque<ModelInstance> idle = new ArrayDeque<>();
    private final ModelSignature signature;
    private int opened;

    InstancePool(OnnxRuntime runtime, Path file, ModelConfig config) {
        this(runtime, file, config, runtime.open(file, config, 0));
    }

    /** A pool whose first session is {@code first}, opened elsewhere (a model registry's). */
    InstancePool(OnnxRuntime runtime, Path file, ModelConfig config, ModelInstance first) {
        this.runtime = runtime;
        this.file = file;
        this.config = config;
        this.signature = first.signature();
        this.opened = 1;
        idle.push(first);
    }

    ModelSignature signature() {
        return signature;
    }

    /** Sessions opened so far (tests check the model is not reloaded per partition). */
    synchronized int opened() {
        return opened;
    }

    /** Runs one batch (one request of many rows) on a free session. */
    List<Tensor> run(List<Tensor> inputs, Set<String> outputs) {
        return runRequests(List.of(inputs), outputs).get(0);
    }

    /** Runs several requests' rows as one ONNX Runtime call on a free session; see {@link ModelInstance#runBatch}. */
    List<List<Tensor>> runRequests(List<List<Tensor>> requests, Set<String> outputs) {
        ModelInstance instance = borrow();
        try {
            return instance.runBatch(requests, outputs);
        } finally {
            release(instance);
        }
    }

    private ModelInstance borrow() {
        int ordinal;
        synchronized (this) {
            ModelInstance free = idle.poll();
            if (free != null) {
                return free;
            }
            ordinal = opened++;
        }
        try {
            return runtime.open(file, config, ordinal);
        } catch (RuntimeException e) {
            synchronized (this) {
                opened--;
            }
            throw e;
        }
    }

    private synchronized void release(ModelInstance instance) {
        idle.push(instance);
    }
}
