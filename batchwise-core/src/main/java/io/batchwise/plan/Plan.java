package io.batchwise.plan;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * What the planner recommends for an inventory: per workload every mode evaluated and the
 * cheapest feasible one chosen; and a 12-month spend forecast.
 */
public record Plan(String currency, Assumptions assumptions, List<WorkloadPlan> workloads,
                   List<ForecastMonth> forecast) {
    public Plan {
        workloads = List.copyOf(workloads);
        forecast = List.copyOf(forecast);
    }

    /**
     * One workload's evaluation.
     *
     * @param recommended     the cheapest feasible mode, or null when none is feasible
     * @param savingPerMonth  current mode's monthly cost minus the recommended one's; NaN when
     *                        either is unknown
     * @param costVsBatchSize per measured batch size: (rows, cost per 1k rows at full use of the
     *                        live pool, the same on the spot pool or NaN)
     * @param latencyVsLoad   per live mode sized: (offered rows/s, simulated p99 seconds) points
     */
    public record WorkloadPlan(Workload workload, Profile profile, List<ModeEstimate> modes, Mode recommended,
                               double savingPerMonth, List<double[]> costVsBatchSize,
                               Map<Mode, List<double[]>> latencyVsLoad) {
        public WorkloadPlan {
            modes = List.copyOf(modes);
            costVsBatchSize = List.copyOf(costVsBatchSize);
            latencyVsLoad = Map.copyOf(latencyVsLoad);
        }

        public ModeEstimate mode(Mode m) {
            return modes.stream().filter(e -> e.mode() == m).findFirst().orElseThrow();
        }

        /** The recommended mode's estimate, or null. */
        public ModeEstimate recommendedEstimate() {
            return recommended == null ? null : mode(recommended);
        }
    }

    /** One forecast month: each workload's cheapest feasible mode at that month's volume. */
    public record ForecastMonth(int month, YearMonth period, double totalCost, List<ForecastEntry> workloads) {
        public ForecastMonth {
            workloads = List.copyOf(workloads);
        }
    }

    /** One workload in a forecast month. */
    public record ForecastEntry(String name, Mode mode, double rowsPerDay, double monthlyCost) {
    }
}
