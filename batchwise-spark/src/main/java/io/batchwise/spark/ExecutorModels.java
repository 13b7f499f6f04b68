package io.batchwise.spark;

import io.batchwise.runtime.OnnxRuntime;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models open in this JVM: one {@link InstancePool} per model file and session setting
 * (and one {@link LineModel} for batch lines), shared by every task the JVM runs, across
 * partitions, stages and jobs.
 *
 * <p>This is batchwise's one piece of static mutable state, and on purpose. Spark builds each
 * task by deserialising its closure, so nothing a task receives outlives the task; and Spark
 * gives user code no per-executor start or stop hook. A static map is the only place an
 * executor JVM can keep a loaded model from one task to the next. Without it every partition
 * would reload the model (for the demo scorer, 100 MB and about a second each time). The maps
 * only grow by the models a job names; the sessions live as long as the executor, which Spark
 * ends with the application.
 */
final class ExecutorModels {
    private static final Map<String, InstancePool> POOLS = new ConcurrentHashMap<>();
    private static final Map<String, LineModel> LINE_MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /** The pool of the model {@code file} describes, opening its first session if needed. */
    static InstancePool pool(ModelFile file) {
        Path local = file.localPath().toAbsolutePath().normalize();
        String key = local + "|" + file.intraOpThreads() + "|" + file.device();
        return POOLS.computeIfAbsent(key, k -> new InstancePool(OnnxRuntime.create(), local, file.config()));
    }

    /** The model as batch lines use it (with its registry and endpoints), opening it if needed. */
    static LineModel lineModel(ModelFile file) {
        Path local = file.localPath().toAbsolutePath().normalize();
        String key = local + "|" + file.intraOpThreads() + "|" + file.device() + "|" + file.version();
        return LINE_MODELS.computeIfAbsent(key, k -> LineModel.open(file, local));
    }
}
