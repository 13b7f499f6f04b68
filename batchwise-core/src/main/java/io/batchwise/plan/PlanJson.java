package io.batchwise.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * A plan as JSON: {@code {"currency", "assumptions", "workloads": [{"name", "recommended_mode",
 * "saving_per_month", "batch_window", "modes": [{"mode", "feasible", "reason", "instances",
 * "utilization", "monthly_cost", "cost_per_1k", ...}]}], "forecast": [{"month", "period",
 * "total_cost", "workloads": [...]}]}}. Money in the sheet's currency; unknown numbers are null.
 */
public final class PlanJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanJson() {
    }

    public static String write(Plan plan) {
        try {
            return JSON.writeValueAsString(tree(plan)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(Plan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("currency", plan.currency());
        Assumptions a = plan.assumptions();
        root.putObject("assumptions").put("spot_preemption_overhead", a.spotPreemptionOverhead())
                .put("spot_recovery", Format.duration(a.spotRecovery()))
                .put("batch_startup", Format.duration(a.batchStartup()))
                .put("min_billing", Format.duration(a.minBilling()))
                .put("hours_per_month", ModeEstimate.HOURS_PER_MONTH);
        ArrayNode workloads = root.putArray("workloads");
        for (Plan.WorkloadPlan wp : plan.workloads()) {
            Workload w = wp.workload();
            ObjectNode n = workloads.addObject();
            n.put("name", w.name()).put("model", w.model()).put("rows_per_day", w.rowsPerDay())
                    .put("peak_rows_per_second", round(w.peakRowsPerSecond(), 3))
                    .put("latency", Format.duration(w.latency()))
                    .put("current_mode", w.currentMode().label())
                    .put("recommended_mode", wp.recommended() == null ? null : wp.recommended().label());
            number(n, "saving_per_month", wp.savingPerMonth());
            number(n, "current_monthly_cost", wp.mode(w.currentMode()).monthlyCost());
            number(n, "recommended_monthly_cost",
                    wp.recommended() == null ? Double.NaN : wp.recommendedEstimate().monthlyCost());
            ModeEstimate micro = wp.mode(Mode.MICRO_BATCH);
            n.put("batch_window", micro.batchWindow() == null ? null : Format.duration(micro.batchWindow()));
            ArrayNode modes = n.putArray("modes");
            for (ModeEstimate e : wp.modes()) {
                ObjectNode m = modes.addObject();
                m.put("mode", e.mode().label()).put("feasible", e.feasible()).put("reason", e.reason())
                        .put("instances", e.instances());
                number(m, "utilization", round(e.utilization(), 4));
                number(m, "monthly_cost", round(e.monthlyCost(), 4));
                number(m, "cost_per_1k", round(e.costPer1k(), 6));
                m.put("pool", e.pool());
                number(m, "p99_ms", Double.isInfinite(e.p99Seconds()) ? Double.NaN : round(e.p99Seconds() * 1e3, 3));
                number(m, "mean_batch_rows", round(e.meanBatchRows(), 2));
                m.put("batch_window", e.batchWindow() == null ? null : Format.duration(e.batchWindow()));
            }
        }
        ArrayNode forecast = root.putArray("forecast");
        for (Plan.ForecastMonth f : plan.forecast()) {
            ObjectNode m = forecast.addObject();
            m.put("month", f.month()).put("period", f.period().toString());
            number(m, "total_cost", round(f.totalCost(), 2));
            ArrayNode list = m.putArray("workloads");
            for (Plan.ForecastEntry e : f.workloads()) {
                ObjectNode x = list.addObject().put("name", e.name())
                        .put("mode", e.mode() == null ? null : e.mode().label());
                number(x, "rows_per_day", Math.round(e.rowsPerDay()));
                number(x, "monthly_cost", round(e.monthlyCost(), 2));
            }
        }
        return root;
    }

    private static void number(ObjectNode n, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
