package io.batchwise.demo;

/** The five ways the demo serves the scorer, in the order it runs them. */
enum DemoMode {
    REAL_TIME("real-time", false, "the lowest latency per request, steady traffic"),
    MICRO_BATCH("micro-batch", false, "user-facing traffic with bursts"),
    NEAR_REAL_TIME("near-real-time", false, "results within seconds: feeds, alerts"),
    BATCH("batch", true, "backlogs with hours to spare, on spot"),
    BATCH_WITH_LIVE("batch+live", true, "backfills on capacity kept warm anyway");

    private final String label;
    private final boolean spotEligible;
    private final String bestFor;

    DemoMode(String label, boolean spotEligible, String bestFor) {
        this.label = label;
        this.spotEligible = spotEligible;
        this.bestFor = bestFor;
    }

    String label() {
        return label;
    }

    /** Whether the work may run on interruptible capacity: batch jobs checkpoint and resume. */
    boolean spotEligible() {
        return spotEligible;
    }

    String bestFor() {
        return bestFor;
    }

    /** Batch modes report the job's makespan as their latency. */
    boolean batch() {
        return this == BATCH || this == BATCH_WITH_LIVE;
    }
}
