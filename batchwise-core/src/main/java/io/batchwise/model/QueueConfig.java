package io.batchwise.model;

/**
 * Admission limits of a model's queue.
 *
 * @param maxRows       most rows queued (all classes but bulk); more is rejected with 429
 * @param timeoutAction what happens to a request that cannot meet its deadline: rejected at
 *                      once ({@code reject}, 503) or kept and run late ({@code delay})
 */
public record QueueConfig(int maxRows, TimeoutAction timeoutAction) {
    /** What to do with a request that cannot meet its deadline. */
    public enum TimeoutAction { REJECT, DELAY }

    public static final QueueConfig DEFAULT = new QueueConfig(4096, TimeoutAction.REJECT);

    public QueueConfig {
        InvalidConfig.require(maxRows > 0, "queue.max_rows", maxRows, "must be > 0");
        InvalidConfig.require(timeoutAction != null, "queue.timeout_action", timeoutAction, "must be reject or delay");
    }
}
