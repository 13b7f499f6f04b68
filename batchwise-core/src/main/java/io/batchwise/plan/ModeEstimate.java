package io.batchwise.plan;

import java.time.Duration;

/**
 * One mode evaluated for one workload.
 *
 * @param feasible      whether the mode meets the workload's latency requirement
 * @param reason        why not, or how it was sized
 * @param instances     instances at the peak (live) or in the largest run (batch); 0 if infeasible
 * @param utilization   busy share of paid instance time, over a day
 * @param monthlyCost   per month (730 h) in the sheet's currency; NaN if infeasible
 * @param costPer1k     per 1,000 rows; NaN if infeasible
 * @param pool          the price sheet pool it runs on, or null
 * @param p99Seconds    simulated p99 at the peak (live modes), NaN otherwise
 * @param meanBatchRows mean rows per run at the peak (live) or the batch size (batch)
 * @param batchWindow   micro-batch: the largest {@code window} policy delay that still meets
 *                      the requirement; batch: how often a run starts; else null
 */
public record ModeEstimate(Mode mode, boolean feasible, String reason, int instances, double utilization,
                           double monthlyCost, double costPer1k, String pool, double p99Seconds,
                           double meanBatchRows, Duration batchWindow) {
    /** Hours in a month, for monthly costs (365 x 24 / 12). */
    public static final double HOURS_PER_MONTH = 730;

    static ModeEstimate infeasible(Mode mode, String pool, String reason) {
        return new ModeEstimate(mode, false, reason, 0, Double.NaN, Double.NaN, Double.NaN, pool, Double.NaN,
                Double.NaN, null);
    }

    /** The cost per 1,000 rows of a monthly cost for a workload of {@code rowsPerDay}. */
    static double per1k(double monthlyCost, double rowsPerDay) {
        return monthlyCost / (rowsPerDay * HOURS_PER_MONTH / 24) * 1000;
    }
}
