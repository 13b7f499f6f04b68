package io.batchwise.model;

import java.time.Duration;

/**
 * A model's validated, immutable configuration (from {@code config.yaml}, or defaults).
 *
 * @param name            model name, as served under {@code /v2/models/{name}}
 * @param maxBatchSize    most rows per ONNX Runtime run
 * @param instances       ONNX Runtime sessions (parallel runs) of this model
 * @param intraOpThreads  threads each session's operators use
 * @param device          where the sessions run
 * @param latencyTarget   default latency budget of a request that names none
 * @param batching        batch formation policy
 * @param queue           admission limits
 * @param pool            the priced capacity pool (price sheet) the instances occupy
 * @param tokenizer       text tokenizer for {@code /v1/embeddings}, or null
 * @param bulkInstances   sessions of the bulk lane, single-threaded, whose threads run at
 *                        background priority so that bulk rows take only CPU time live work leaves
 *                        idle; {@link #AUTO}: one per core on CPU, none on CUDA; 0: bulk rows share
 *                        the live instances
 */
public record ModelConfig(String name, int maxBatchSize, int instances, int intraOpThreads, Device device,
                          Duration latencyTarget, BatchingConfig batching, QueueConfig queue, String pool,
                          String tokenizer, int bulkInstances) {
    /** {@code bulk_instances: auto}. */
    public static final int AUTO = -1;

    public ModelConfig {
        InvalidConfig.require(name != null && name.matches("[A-Za-z0-9_.-]+"), "name", name,
                "must be letters, digits, '_', '.' or '-'");
        InvalidConfig.require(maxBatchSize >= 1, "max_batch_size", maxBatchSize, "must be >= 1");
        InvalidConfig.require(instances >= 1 && instances <= 256, "instances", instances, "must be 1..256");
        InvalidConfig.require(intraOpThreads >= 1 && intraOpThreads <= 1024, "intra_op_threads", intraOpThreads,
                "must be 1..1024");
        InvalidConfig.require(device != null, "device", device, "must be cpu or cuda:N");
        InvalidConfig.require(latencyTarget != null && latencyTarget.toNanos() > 0, "latency_target", latencyTarget,
                "must be a duration > 0");
        InvalidConfig.require(batching != null, "batching", batching, "is required");
        InvalidConfig.require(queue != null, "queue", queue, "is required");
        InvalidConfig.require(pool != null && !pool.isBlank(), "pool", pool, "must name a pool");
        for (int size : batching.preferredBatchSizes()) {
            InvalidConfig.require(size <= maxBatchSize, "batching.preferred_batch_sizes", size,
                    "must not exceed max_batch_size " + maxBatchSize);
        }
        InvalidConfig.require(tokenizer == null || tokenizer.equals("hashing"), "tokenizer", tokenizer,
                "must be hashing");
        InvalidConfig.require(bulkInstances >= AUTO && bulkInstances <= 256, "bulk_instances", bulkInstances,
                "must be auto or 0..256");
    }

    /** A configuration with {@code bulk_instances: auto}. */
    public ModelConfig(String name, int maxBatchSize, int instances, int intraOpThreads, Device device,
                       Duration latencyTarget, BatchingConfig batching, QueueConfig queue, String pool,
                       String tokenizer) {
        this(name, maxBatchSize, instances, intraOpThreads, device, latencyTarget, batching, queue, pool, tokenizer,
                AUTO);
    }

    /** The configuration a model gets when its folder has no config file. */
    public static ModelConfig defaults(String name) {
        return new ModelConfig(name, 64, 1, 1, Device.CPU, Duration.ofMillis(100), BatchingConfig.DEFAULT,
                QueueConfig.DEFAULT, "cpu-on-demand", null);
    }

    /** This configuration with {@code instances} sessions of {@code intraOpThreads} threads each. */
    public ModelConfig withLayout(int instances, int intraOpThreads) {
        return new ModelConfig(name, maxBatchSize, instances, intraOpThreads, device, latencyTarget, batching, queue,
                pool, tokenizer, bulkInstances);
    }

    /** The bulk lane's sessions on a machine of {@code cores} cores ({@link #AUTO} resolved). */
    public int bulkLane(int cores) {
        if (bulkInstances != AUTO) {
            return bulkInstances;
        }
        return device.kind() == Device.Kind.CPU ? Math.max(1, cores) : 0;
    }

    /**
     * The layout for throughput when no live request waits (an offline job on a machine of its
     * own): on CPU, one single-threaded session per core. Sessions that share nothing run full
     * batches side by side; one session's threads meet at a barrier after every operator, where a
     * thread that shares its core with the job's JSON work holds the others up. Live serving keeps
     * the configured layout, whose sessions finish a run sooner. There is no live traffic to yield
     * to, so no bulk lane either.
     */
    public ModelConfig forThroughput(int cores) {
        return (device == Device.CPU ? withLayout(Math.max(1, cores), 1) : this).withoutBulkLane();
    }

    /** This configuration with no bulk lane ({@code bulk_instances: 0}): for runs with no live traffic. */
    public ModelConfig withoutBulkLane() {
        return new ModelConfig(name, maxBatchSize, instances, intraOpThreads, device, latencyTarget, batching, queue,
                pool, tokenizer, 0);
    }
}
