package io.batchwise.schedule;

import java.util.List;

/**
 * {@code policy: window}, Triton's dynamic batcher semantics: run at once when the queue holds
 * max_batch_size rows or reaches a preferred size (the largest one reachable), otherwise when the
 * oldest request has waited max_queue_delay since its arrival.
 */
final class WindowPolicy implements BatchPolicy {
    private final int maxRows;
    private final long delayNanos;
    private final List<Integer> preferred;

    WindowPolicy(int maxRows, long delayNanos, List<Integer> preferred) {
        this.maxRows = maxRows;
        this.delayNanos = delayNanos;
        this.preferred = preferred.stream().sorted().toList();
    }

    @Override
    public Decision decide(Bucket bucket, LatencyModel latency, long now) {
        long queued = bucket.liveRows;
        if (queued >= maxRows) {
            return Decision.now(maxRows, "full");
        }
        for (int i = preferred.size() - 1; i >= 0; i--) {
            int size = preferred.get(i);
            if (queued >= size) {
                return Decision.now(size, "preferred");
            }
        }
        long oldest = bucket.oldestLiveArrival();
        if (now - oldest >= delayNanos) {
            return Decision.now((int) queued, "window");
        }
        return Decision.waitUntil(oldest + delayNanos);
    }
}
