package io.batchwise.plan;

import java.time.YearMonth;

/**
 * How hard the planner works.
 *
 * @param simulatedRequests arrivals per simulation (more: steadier p99, slower)
 * @param seed              random seed of the simulations
 * @param maxInstances      give up sizing a live mode beyond this many instances
 * @param firstMonth        the first month of the forecast
 * @param chartPoints       whether to compute the latency-vs-load curves for the HTML report
 */
public record PlannerOptions(int simulatedRequests, long seed, int maxInstances, YearMonth firstMonth,
                             boolean chartPoints) {
    public PlannerOptions {
        if (simulatedRequests < 100 || maxInstances < 1 || firstMonth == null) {
            throw new IllegalArgumentException("need simulatedRequests >= 100, maxInstances >= 1 and a first month");
        }
    }

    public static PlannerOptions defaults(YearMonth firstMonth) {
        return new PlannerOptions(20_000, 42, 4096, firstMonth, true);
    }
}
