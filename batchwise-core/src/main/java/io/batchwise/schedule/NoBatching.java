package io.batchwise.schedule;

/** {@code policy: none}: every request runs on its own (up to max_batch_size rows per run). */
final class NoBatching implements BatchPolicy {
    private final int maxRows;

    NoBatching(int maxRows) {
        this.maxRows = maxRows;
    }

    @Override
    public Decision decide(Bucket bucket, LatencyModel latency, long now) {
        Pending first = bucket.firstLive();
        return Decision.now((int) Math.min(first.remaining(), maxRows), "single");
    }

    /** A run never mixes requests under this policy. */
    boolean singleRequest() {
        return true;
    }
}
