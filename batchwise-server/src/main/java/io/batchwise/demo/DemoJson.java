package io.batchwise.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.plan.ModeEstimate;
import io.batchwise.plan.Plan;

/**
 * The demo's numbers as JSON: {@code {"modes": [{"mode", "utilization", "cost_per_1k", "p50_ms",
 * "p99_ms", "rows", ...}], ...}}. Utilization is a fraction; unknown numbers are null.
 */
final class DemoJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoJson() {
    }

    static String write(DemoResult r) throws java.io.IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode modes = root.putArray("modes");
        for (DemoResult.ModeLine m : r.modes()) {
            ObjectNode n = modes.addObject();
            n.put("mode", m.mode().label());
            num(n, "utilization", m.utilization());
            num(n, "cost_per_1k", m.costPer1k());
            num(n, "p50_ms", m.p50Ms());
            num(n, "p99_ms", m.p99Ms());
            n.put("rows", m.rows());
            n.put("model", m.model());
            n.put("served", m.served());
            n.put("latency", m.mode().batch() ? "job makespan" : "per request");
            num(n, "rows_per_run", m.rowsPerRun());
            num(n, "shed", m.shed());
            num(n, "seconds", m.seconds());
            num(n, "provisioned_seconds", m.usage().provisionedSeconds());
            num(n, "busy_seconds", m.usage().busySeconds());
            num(n, "cost", m.usage().cost());
            n.put("spot_eligible", m.mode().spotEligible());
            n.put("best_for", m.mode().bestFor());
        }
        root.put("currency", r.currency());
        ObjectNode machine = root.putObject("machine");
        r.machine().forEach(machine::put);
        ArrayNode setup = root.putArray("setup");
        r.setup().forEach(setup::add);
        ObjectNode live = root.putObject("live_during_batch");
        num(live, "p50_ms", r.liveDuringBatch().p50Ms());
        num(live, "p99_ms", r.liveDuringBatch().p99Ms());
        num(live, "shed", r.liveDuringBatch().shed());
        ArrayNode plan = root.putArray("plan");
        for (Plan.WorkloadPlan wp : r.plan().workloads()) {
            ObjectNode n = plan.addObject();
            n.put("workload", wp.workload().name());
            n.put("current_mode", wp.workload().currentMode().label());
            num(n, "current_monthly", wp.mode(wp.workload().currentMode()).monthlyCost());
            ModeEstimate rec = wp.recommendedEstimate();
            n.put("recommended", rec == null ? null : rec.mode().label());
            num(n, "recommended_monthly", rec == null ? Double.NaN : rec.monthlyCost());
            num(n, "saving_monthly", wp.savingPerMonth());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static void num(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }
}
