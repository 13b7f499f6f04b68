package io.batchwise.cost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.ledger.CostReport;
import io.batchwise.ledger.CostReport.ClassCost;
import io.batchwise.ledger.CostReport.InstanceCost;
import io.batchwise.ledger.CostReport.KeyCost;
import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.ledger.JobCost;

/**
 * The JSON of cost reports ({@code GET /v1/cost}) and of a batch job's cost (for batch objects).
 * Money in the report's currency, time in seconds, snake_case names.
 */
public final class CostJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CostJson() {
    }

    /** {@code {"object": "cost_report", "from", "to", "currency", "idle_policy", "models": [...]}}. */
    public static ObjectNode report(CostReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "cost_report");
        root.put("from", r.from().toString());
        root.put("to", r.to().toString());
        root.put("currency", r.currency());
        root.put("idle_policy", r.idlePolicy().label());
        ArrayNode models = root.putArray("models");
        for (ModelCost m : r.models()) {
            models.add(model(m));
        }
        return root;
    }

    private static ObjectNode model(ModelCost m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", m.model());
        o.put("pool", m.pool());
        o.put("pricing_category", m.category() == null ? null : m.category().label());
        o.put("provisioned_seconds", m.provisionedSeconds());
        o.put("busy_seconds", m.busySeconds());
        o.put("utilization", m.utilization());
        o.put("cost", m.cost());
        o.put("busy_cost", m.busyCost());
        o.put("idle_cost", m.idleCost());
        o.put("unattributed_cost", m.unattributedCost());
        o.put("unattributed_idle_seconds",
                m.instances().stream().mapToLong(InstanceCost::unattributedIdleNanos).sum() / 1e9);
        o.put("rows", m.rows());
        o.put("runs", m.runs());
        ArrayNode classes = o.putArray("classes");
        for (ClassCost c : m.classes()) {
            ObjectNode l = classes.addObject();
            l.put("class", c.serviceClass().label());
            l.put("rows", c.rows());
            l.put("runs", c.runs());
            l.put("busy_seconds", c.busySeconds());
            l.put("busy_cost", c.busyCost());
            l.put("idle_cost", c.idleCost());
            l.put("cost", c.cost());
            l.put("cost_per_1k", c.costPer1k());
        }
        keys(o.putArray("tags"), "tag", m.tags());
        keys(o.putArray("jobs"), "job", m.jobs());
        ArrayNode instances = o.putArray("instances");
        for (InstanceCost i : m.instances()) {
            ObjectNode l = instances.addObject();
            l.put("instance", i.instance());
            l.put("slots", i.slots());
            l.put("rate_per_hour", i.ratePerHour());
            l.put("provisioned_seconds", i.provisionedNanos() / 1e9);
            l.put("busy_seconds", i.busyNanos() / 1e9);
            l.put("cost", i.cost());
            l.put("attributed_cost", i.attributedCost());
            l.put("unattributed_cost", i.unattributedCost());
        }
        return o;
    }

    private static void keys(ArrayNode into, String name, java.util.List<KeyCost> keys) {
        for (KeyCost k : keys) {
            ObjectNode l = into.addObject();
            l.put(name, k.key());
            l.put("rows", k.rows());
            l.put("busy_seconds", k.busySeconds());
            l.put("cost", k.cost());
        }
    }

    /**
     * A batch job's cost for its batch object: {@code {"currency", "rows", "cost", "cost_per_1k",
     * "real_time_cost", "real_time_basis", "saving", "from", "to"}}.
     */
    public static ObjectNode job(JobCost j, String currency) {
        ObjectNode o = JSON.createObjectNode();
        o.put("currency", currency);
        o.put("rows", j.rows());
        o.put("busy_seconds", j.busySeconds());
        o.put("cost", j.cost());
        o.put("cost_per_1k", j.costPer1k());
        o.put("real_time_cost", j.realTimeCost());
        o.put("real_time_basis", j.realTimeBasis());
        o.put("saving", j.saving());
        o.put("from", j.from().toString());
        o.put("to", j.to().toString());
        return o;
    }
}
