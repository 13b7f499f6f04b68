package io.batchwise.demo;

import io.batchwise.plan.Plan;
import java.util.List;

/**
 * Everything one demo run measured.
 *
 * @param currency     of every cost
 * @param machine      what the numbers were measured on (cores, load average, ...)
 * @param setup        the traffic the phases were given, in words
 * @param modes        one line per mode, in run order
 * @param liveDuringBatch the live traffic that ran alongside the batch job
 * @param plan         the planner's plan for the built-in inventory, from this run's profile
 */
record DemoResult(String currency, java.util.Map<String, String> machine, List<String> setup, List<ModeLine> modes,
                  Live liveDuringBatch, Plan plan) {
    DemoResult {
        machine = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(machine));
        setup = List.copyOf(setup);
        modes = List.copyOf(modes);
    }

    ModeLine mode(DemoMode m) {
        return modes.stream().filter(l -> l.mode() == m).findFirst().orElseThrow();
    }

    /**
     * One mode's measurements.
     *
     * @param usage   the ledger's account of the mode's model over the phase
     * @param p50Ms   live modes: per request, from its scheduled send time; batch modes: the job's
     *                makespan (created to completed), when every row's result becomes available
     * @param served  how the mode's traffic was served, in words
     * @param shed    share of requests refused (429/503); 0 for batch modes
     * @param seconds wall time of the phase
     */
    record ModeLine(DemoMode mode, String model, String served, LedgerWindow.Usage usage, double p50Ms, double p99Ms,
                    double shed, double seconds) {
        double costPer1k() {
            return usage.costPer1k();
        }

        double utilization() {
            return usage.utilization();
        }

        long rows() {
            return usage.rows();
        }

        double rowsPerRun() {
            return usage.rowsPerRun();
        }
    }

    /** The live traffic's latency while the batch job shared its model, next to micro-batch alone. */
    record Live(double p50Ms, double p99Ms, double shed, long succeeded) {
    }
}
