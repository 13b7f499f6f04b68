package io.batchwise.plan;

import java.time.Duration;

/**
 * What the planner assumes about capacity it does not measure. Set in the workload file's
 * optional {@code assumptions:} block.
 *
 * @param spotPreemptionOverhead extra compute a spot batch run spends on preemptions (work
 *                               redone since the last checkpoint, restarts), as a fraction
 * @param spotRecovery           time to get capacity back after a preemption; a spot run's
 *                               processing window must leave room for it
 * @param batchStartup           billed time to start a batch run's machines and load the model
 * @param minBilling             least billed time per machine start
 */
public record Assumptions(double spotPreemptionOverhead, Duration spotRecovery, Duration batchStartup,
                          Duration minBilling) {
    public static final Assumptions DEFAULT =
            new Assumptions(0.10, Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(1));
}
