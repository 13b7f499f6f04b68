package io.batchwise.ledger;

import io.batchwise.metrics.Labels;
import io.batchwise.schedule.ServiceClass;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger's Prometheus counters, from all-time totals. They carry no idle policy, so they only
 * ever grow: busy dollars per class, and idle dollars under {@code class="idle"}; summed over
 * {@code class} they give the provisioned cost.
 */
final class LedgerMetrics {
    private static final double NANOS_PER_HOUR = 3.6e12;

    void write(StringBuilder out, List<ReportBuilder.Snapshot> totals) {
        Map<String, double[]> byClass = new TreeMap<>();
        Map<String, double[]> byPool = new TreeMap<>();
        for (ReportBuilder.Snapshot s : totals) {
            AccountKey k = s.key();
            Cell u = s.usage();
            double perNano = k.ratePerHour() / NANOS_PER_HOUR;
            for (ServiceClass sc : ServiceClass.values()) {
                int c = sc.ordinal();
                double[] v = byClass.computeIfAbsent(Labels.of("model", k.model(), "class", sc.label(), "pool", k.pool()),
                        x -> new double[3]);
                v[0] += u.busyNanos[c] * perNano;
                v[1] += u.busyNanos[c] / 1e9;
                v[2] += u.classRows[c];
            }
            byClass.computeIfAbsent(Labels.of("model", k.model(), "class", "idle", "pool", k.pool()),
                    x -> new double[3])[0] += u.idleNanos() * perNano;
            double[] p = byPool.computeIfAbsent(Labels.of("model", k.model(), "pool", k.pool()), x -> new double[2]);
            p[0] += u.provisionedNanos / 1e9;
            p[1] += u.provisionedNanos * perNano;
        }
        family(out, "batchwise_cost_dollars_total", "Cost of provisioned capacity: busy time per class, idle time as class=\"idle\".");
        byClass.forEach((labels, v) -> sample(out, "batchwise_cost_dollars_total", labels, v[0]));
        family(out, "batchwise_busy_seconds_total", "Instance time spent running rows of each class.");
        byClass.forEach((labels, v) -> {
            if (!labels.contains("class=\"idle\"")) {
                sample(out, "batchwise_busy_seconds_total", labels, v[1]);
            }
        });
        family(out, "batchwise_cost_rows_total", "Rows the ledger charged, by class.");
        byClass.forEach((labels, v) -> {
            if (!labels.contains("class=\"idle\"")) {
                sample(out, "batchwise_cost_rows_total", labels, v[2]);
            }
        });
        family(out, "batchwise_provisioned_seconds_total", "Instance time provisioned (loaded), busy or idle.");
        byPool.forEach((labels, v) -> sample(out, "batchwise_provisioned_seconds_total", labels, v[0]));
        family(out, "batchwise_provisioned_dollars_total", "Cost of provisioned capacity (sum of batchwise_cost_dollars_total over class).");
        byPool.forEach((labels, v) -> sample(out, "batchwise_provisioned_dollars_total", labels, v[1]));
    }

    private static void family(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }
}
