package io.batchwise.model;

import java.time.Duration;
import java.util.List;

/**
 * How a model's scheduler forms batches.
 *
 * @param policy              {@code none} (one request per run), {@code window} (Triton-style fixed
 *                            delay) or {@code slo} (deadline-driven, the default)
 * @param maxQueueDelay       for {@code window}: longest time the oldest request waits for more rows
 * @param preferredBatchSizes for {@code window}: sizes (rows) that dispatch at once when reached
 * @param deferredThreshold   a request whose budget is at least this is served as {@code deferred}
 */
public record BatchingConfig(Policy policy, Duration maxQueueDelay, List<Integer> preferredBatchSizes,
                             Duration deferredThreshold) {
    /** Batch formation policy. */
    public enum Policy { NONE, WINDOW, SLO }

    public static final BatchingConfig DEFAULT =
            new BatchingConfig(Policy.SLO, Duration.ofMillis(5), List.of(), Duration.ofSeconds(1));

    public BatchingConfig {
        InvalidConfig.require(policy != null, "batching.policy", policy, "must be none, window or slo");
        InvalidConfig.require(maxQueueDelay != null && !maxQueueDelay.isNegative(),
                "batching.max_queue_delay", maxQueueDelay, "must be a duration >= 0");
        preferredBatchSizes = List.copyOf(preferredBatchSizes);
        for (Integer size : preferredBatchSizes) {
            InvalidConfig.require(size != null && size > 0, "batching.preferred_batch_sizes", size, "sizes must be > 0");
        }
        InvalidConfig.require(deferredThreshold != null && deferredThreshold.toNanos() > 0,
                "batching.deferred_threshold", deferredThreshold, "must be a duration > 0");
    }
}
