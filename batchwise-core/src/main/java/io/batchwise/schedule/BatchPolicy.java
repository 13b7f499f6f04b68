package io.batchwise.schedule;

import io.batchwise.model.BatchingConfig;
import io.batchwise.model.ModelConfig;

/** Decides, when an instance is free, whether a bucket's live rows run now and how many. */
interface BatchPolicy {
    /**
     * @param rows     the live rows to run now (0 to wait)
     * @param reason   why (for metrics): full, deadline, no-arrivals, busy, window, preferred, single
     * @param wakeAt   when waiting, the time to decide again (ticker nanos)
     */
    record Decision(int rows, String reason, long wakeAt) {
        static Decision now(int rows, String reason) {
            return new Decision(rows, reason, 0);
        }

        static Decision waitUntil(long wakeAt) {
            return new Decision(0, null, wakeAt);
        }
    }

    Decision decide(Bucket bucket, LatencyModel latency, long now);

    /**
     * The share of a live request's budget held back for the tail: bulk rows may top a run up
     * only within the rest.
     */
    default double reserve(ServiceClass cls) {
        return TailReserve.INITIAL;
    }

    /** {@code p}'s deadline less the reserve of its budget: when its run should have ended. */
    default long reservedDeadline(Pending p) {
        return p.deadline - (long) (reserve(p.serviceClass) * (p.deadline - p.arrival));
    }

    /**
     * A live request left the scheduler, {@code used} nanoseconds after its arrival with a budget
     * of {@code budget}: it succeeded, or it expired.
     */
    default void finished(ServiceClass cls, long used, long budget) {
    }

    /** The policy a model's config names. */
    static BatchPolicy of(ModelConfig config) {
        BatchingConfig b = config.batching();
        return switch (b.policy()) {
            case NONE -> new NoBatching(config.maxBatchSize());
            case WINDOW -> new WindowPolicy(config.maxBatchSize(), b.maxQueueDelay().toNanos(), b.preferredBatchSizes());
            case SLO -> new SloPolicy(config.maxBatchSize());
        };
    }
}
