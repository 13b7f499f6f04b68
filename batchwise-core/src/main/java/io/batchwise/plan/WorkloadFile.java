package io.batchwise.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a workload inventory:
 * <pre>
 * assumptions:                      # optional
 *   spot_preemption_overhead: 10%
 *   spot_recovery: 5m
 *   batch_startup: 2m
 *   min_billing: 1m
 * workloads:
 *   - name: checkout-fraud
 *     model: scorer
 *     rows_per_day: 2_000_000
 *     peak_to_average: 3            # or hourly: [24 weights]
 *     latency: 100ms                # p99 for live traffic, completion window for batch
 *     current_mode: real-time       # real-time | micro-batch | near-real-time | batch-on-demand | batch-spot
 *     growth: 5%                    # per month, optional
 *     rows_per_request: 1           # optional
 *     pool: cpu-on-demand           # optional (default: the profile's pool)
 *     spot_pool: cpu-spot           # optional
 * </pre>
 * Every error names the file, the line and the field.
 */
public final class WorkloadFile {
    private static final Set<String> TOP = Set.of("workloads", "assumptions");
    private static final Set<String> ASSUMPTIONS = Set.of("spot_preemption_overhead", "spot_recovery",
            "batch_startup", "min_billing");
    private static final Set<String> WORKLOAD = Set.of("name", "model", "rows_per_day", "peak_to_average", "hourly",
            "latency", "current_mode", "growth", "rows_per_request", "pool", "spot_pool");

    /** The parsed file. */
    public record Inventory(List<Workload> workloads, Assumptions assumptions) {
        public Inventory {
            workloads = List.copyOf(workloads);
        }
    }

    private WorkloadFile() {
    }

    public static Inventory read(Path file) {
        return parse(DocNode.read(file));
    }

    /** Parses YAML text; {@code name} is the file name used in errors. */
    public static Inventory parse(String text, String name) {
        return parse(DocNode.parse(text, name, false));
    }

    private static Inventory parse(DocNode root) {
        if (root.isNull()) {
            throw root.error("the file is empty; it needs a 'workloads:' list");
        }
        root.map(TOP);
        Assumptions a = assumptions(root.get("assumptions"));
        List<Workload> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        DocNode list = root.require("workloads");
        for (DocNode w : list.list()) {
            Workload parsed = workload(w);
            if (!names.add(parsed.name())) {
                throw w.require("name").error("another workload is already named '" + parsed.name() + "'");
            }
            out.add(parsed);
        }
        if (out.isEmpty()) {
            throw list.error("needs at least one workload");
        }
        return new Inventory(out, a);
    }

    private static Assumptions assumptions(DocNode n) {
        Assumptions d = Assumptions.DEFAULT;
        if (n == null) {
            return d;
        }
        n.map(ASSUMPTIONS);
        return new Assumptions(
                n.get("spot_preemption_overhead") == null ? d.spotPreemptionOverhead()
                        : n.get("spot_preemption_overhead").fraction(0, 5),
                duration(n, "spot_recovery", d.spotRecovery()),
                duration(n, "batch_startup", d.batchStartup()),
                duration(n, "min_billing", d.minBilling()));
    }

    private static Duration duration(DocNode parent, String key, Duration dflt) {
        DocNode v = parent.get(key);
        return v == null ? dflt : v.duration();
    }

    private static Workload workload(DocNode w) {
        Map<String, Integer> lines = new HashMap<>();
        w.map(WORKLOAD).forEach((k, v) -> lines.put(k, v.line()));
        String name = w.require("name").string().trim();
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw w.require("name").error("must be 1 to 200 characters on one line (got " + name + ")");
        }
        DocNode model = w.require("model");
        double rows = w.require("rows_per_day").number(1e-9, 1e15);
        double[] share = shape(w);
        Duration latency = w.require("latency").duration();
        DocNode cm = w.require("current_mode");
        Mode current = Mode.parse(cm.string());
        if (current == null) {
            throw cm.error("must be real-time, micro-batch, near-real-time, batch-on-demand or batch-spot (got "
                    + cm.string() + ")");
        }
        double growth = w.get("growth") == null ? 0 : w.get("growth").fraction(-0.5, 2);
        int rpr = w.get("rows_per_request") == null ? 1 : w.get("rows_per_request").integer(1, 1 << 20);
        String pool = w.get("pool") == null ? null : w.get("pool").string();
        String spot = w.get("spot_pool") == null ? null : w.get("spot_pool").string();
        return new Workload(name, model.string(), rows, share, latency, current, growth, rpr, pool, spot,
                new Workload.Origin(w.file(), w.path(), w.line(), lines));
    }

    private static double[] shape(DocNode w) {
        DocNode ratio = w.get("peak_to_average");
        DocNode hourly = w.get("hourly");
        if (ratio != null && hourly != null) {
            throw hourly.error("give either peak_to_average or hourly, not both");
        }
        if (ratio == null && hourly == null) {
            throw new PlanFileError(w.file(), w.line(), w.path() + ".peak_to_average",
                    "is required (or 'hourly' with 24 weights)");
        }
        double[] share = new double[24];
        if (ratio != null) {
            double r = ratio.number(1, 24);
            Arrays.fill(share, (1 - r / 24) / 23);
            share[0] = r / 24;
            return share;
        }
        List<DocNode> weights = hourly.list();
        if (weights.size() != 24) {
            throw hourly.error("needs 24 weights, one per hour (got " + weights.size() + ")");
        }
        double sum = 0;
        for (int h = 0; h < 24; h++) {
            share[h] = weights.get(h).number(0, 1e15);
            sum += share[h];
        }
        if (sum <= 0) {
            throw hourly.error("needs at least one weight above 0");
        }
        for (int h = 0; h < 24; h++) {
            share[h] /= sum;
        }
        return share;
    }
}
