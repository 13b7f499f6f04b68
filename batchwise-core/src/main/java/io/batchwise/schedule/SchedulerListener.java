package io.batchwise.schedule;

/**
 * Observes what the scheduler does: the ledger, statistics and metrics subscribe. Called on
 * scheduler threads; implementations must be fast and thread-safe.
 */
public interface SchedulerListener {
    /** A model instance became available to run work (at load) at ticker time {@code nanos}. */
    default void onInstanceStarted(String model, int instance, String pool, int slots, long nanos) {
    }

    /** A model instance stopped (unload, shutdown) at ticker time {@code nanos}. */
    default void onInstanceStopped(String model, int instance, long nanos) {
    }

    /** A run finished (successfully or not). */
    default void onRun(RunRecord run) {
    }

    /**
     * A request left the scheduler.
     *
     * @param queueNanos   arrival to the start of its last run (0 if never run)
     * @param computeNanos time in runs
     * @param totalNanos   arrival to completion
     * @param met          true when it completed by its deadline
     */
    default void onRequestDone(String model, ServiceClass serviceClass, Outcome outcome, int rows,
                               long queueNanos, long computeNanos, long totalNanos, boolean met) {
    }

    /**
     * The share of each live request's budget that the policy keeps in reserve for the tail, at
     * load and whenever it changes ({@code slo}'s follows the late requests, see {@code TailReserve}).
     */
    default void onTailReserve(String model, ServiceClass serviceClass, double share) {
    }
}
