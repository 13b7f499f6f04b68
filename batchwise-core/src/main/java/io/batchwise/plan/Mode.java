package io.batchwise.plan;

import java.util.Locale;

/** The ways a workload can be served, from most to least responsive. */
public enum Mode {
    /** Interactive class, one request per run ({@code policy: none}), capacity for the peak. */
    REAL_TIME("real-time"),
    /** Interactive class, deadline-driven micro-batching ({@code policy: slo}), capacity for the peak. */
    MICRO_BATCH("micro-batch"),
    /** Deferred class: same warm capacity, budgets of seconds to minutes, large batches. */
    NEAR_REAL_TIME("near-real-time"),
    /** Batch jobs on on-demand machines started for each run. */
    BATCH_ON_DEMAND("batch-on-demand"),
    /** Batch jobs on spot machines, paying a preemption overhead. */
    BATCH_SPOT("batch-spot");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** True for the modes that keep capacity warm around the clock. */
    public boolean live() {
        return this == REAL_TIME || this == MICRO_BATCH || this == NEAR_REAL_TIME;
    }

    /** The mode of a label such as {@code batch-spot}, or null. */
    public static Mode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Mode m : values()) {
            if (m.label.equals(t)) {
                return m;
            }
        }
        return null;
    }
}
