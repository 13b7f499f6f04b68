package io.batchwise.ledger;

import java.time.Instant;

/**
 * What a batch job's rows cost, measured, and what the same rows would have cost as interactive
 * traffic at the interactive class's measured cost per 1,000 rows over the same period.
 *
 * @param from          start of the first bucket with the job's rows
 * @param to            end of the last one (or now)
 * @param cost          busy cost plus the job's share of idle cost charged to the bulk class
 * @param realTimeCost  the same rows at the interactive cost per 1k, or null when no interactive
 *                      rows were ever measured on the job's models
 * @param realTimeBasis {@code same_period} when interactive rows ran during the job's period,
 *                      {@code all_time} when the estimate had to use all recorded history, or
 *                      null when there is no estimate
 */
public record JobCost(String jobId, Instant from, Instant to, long rows, double busySeconds, double cost,
                      Double realTimeCost, String realTimeBasis) {
    /** Cost per 1,000 rows of the job. */
    public double costPer1k() {
        return rows == 0 ? 0 : cost * 1000 / rows;
    }

    /** What running the rows as a batch job saved against the real-time estimate, or null. */
    public Double saving() {
        return realTimeCost == null ? null : realTimeCost - cost;
    }
}
