package io.batchwise.ledger;

import io.batchwise.ledger.CostReport.ClassCost;
import io.batchwise.ledger.CostReport.InstanceCost;
import io.batchwise.ledger.CostReport.KeyCost;
import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.schedule.ServiceClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/*
 * Attribution, done per report over the accounts' usage in the period:
 *
 *   provisioned = busy + idle                         (nanoseconds, per instance, exact)
 *   busy        = sum over classes of class busy      (split by rows at record time, exact)
 *   idle        = sum over classes of idle share + unattributed idle
 *
 * The idle split follows the policy: INTERACTIVE gives it all to the interactive class (which
 * reserves the warm capacity), PROPORTIONAL splits it by the classes' busy time on the model
 * (largest remainder, so the nanoseconds add up exactly), SEPARATE leaves it unattributed.
 * Dollars are nanoseconds x the instance's rate, converted once, so the same identities hold in
 * money up to floating-point rounding. Idle is decided over the whole period rather than bucket
 * by bucket: who pays for warm capacity is a question about the period asked.
 */
final class ReportBuilder {
    private static final double NANOS_PER_HOUR = 3.6e12;

    /** An account's usage in the period. */
    record Snapshot(AccountKey key, Cell usage) {
    }

    private ReportBuilder() {
    }

    static CostReport build(List<Snapshot> snapshots, IdlePolicy policy, ServiceClass only, String currency,
                            Instant from, Instant to) {
        Map<String, List<Snapshot>> groups = new TreeMap<>();
        for (Snapshot s : snapshots) {
            groups.computeIfAbsent(s.key().model() + '\u0000' + s.key().pool(), k -> new ArrayList<>()).add(s);
        }
        List<ModelCost> models = new ArrayList<>();
        for (List<Snapshot> group : groups.values()) {
            group.sort(Comparator.comparingInt((Snapshot s) -> s.key().instance()).thenComparingInt(s -> s.key().slots()));
            models.add(model(group, policy, only));
        }
        return new CostReport(from, to, policy, currency, models);
    }

    private static ModelCost model(List<Snapshot> group, IdlePolicy policy, ServiceClass only) {
        int n = Cell.CLASSES;
        long[] weights = new long[n];
        for (Snapshot s : group) {
            for (int c = 0; c < n; c++) {
                weights[c] += s.usage().busyNanos[c];
            }
        }
        long[] classRows = new long[n];
        long[] classRuns = new long[n];
        long[] classBusyNanos = new long[n];
        double[] classBusy = new double[n];
        double[] classIdle = new double[n];
        long provNanos = 0;
        long busyNanos = 0;
        long rows = 0;
        long runs = 0;
        double cost = 0;
        double busyCost = 0;
        double unattributed = 0;
        Map<String, double[]> tags = new TreeMap<>();
        Map<String, double[]> jobs = new TreeMap<>();
        List<InstanceCost> instances = new ArrayList<>();
        PricingCategory category = null;
        for (Snapshot s : group) {
            Cell u = s.usage();
            double perNano = s.key().ratePerHour() / NANOS_PER_HOUR;
            category = category == null ? s.key().category() : category;
            long busy = u.busyNanos();
            long[] idleShare = idleShares(u.idleNanos(), policy, weights);
            long attributedIdle = 0;
            for (int c = 0; c < n; c++) {
                classRows[c] += u.classRows[c];
                classRuns[c] += u.classRuns[c];
                classBusyNanos[c] += u.busyNanos[c];
                classBusy[c] += u.busyNanos[c] * perNano;
                classIdle[c] += idleShare[c] * perNano;
                attributedIdle += idleShare[c];
            }
            long unattributedIdle = u.idleNanos() - attributedIdle;
            provNanos += u.provisionedNanos;
            busyNanos += busy;
            rows += u.rows;
            runs += u.runs;
            cost += u.provisionedNanos * perNano;
            busyCost += busy * perNano;
            unattributed += unattributedIdle * perNano;
            addKeys(tags, u.tags, perNano);
            addKeys(jobs, u.jobs, perNano);
            instances.add(new InstanceCost(s.key().instance(), s.key().slots(), s.key().ratePerHour(),
                    u.provisionedNanos, busy, attributedIdle, unattributedIdle, u.provisionedNanos * perNano,
                    (busy + attributedIdle) * perNano, unattributedIdle * perNano));
        }
        List<ClassCost> classes = new ArrayList<>();
        for (ServiceClass sc : ServiceClass.values()) {
            int c = sc.ordinal();
            if ((only == null || only == sc) && (classRows[c] > 0 || classBusyNanos[c] > 0 || classIdle[c] > 0)) {
                double classCost = classBusy[c] + classIdle[c];
                classes.add(new ClassCost(sc, classRows[c], classRuns[c], classBusyNanos[c] / 1e9, classBusy[c],
                        classIdle[c], classCost, classRows[c] == 0 ? null : classCost * 1000 / classRows[c]));
            }
        }
        int bulk = ServiceClass.BULK.ordinal();
        double bulkIdlePerBusyNano = classBusyNanos[bulk] == 0 ? 0 : classIdle[bulk] / classBusyNanos[bulk];
        Snapshot first = group.get(0);
        return new ModelCost(first.key().model(), first.key().pool(), category, provNanos / 1e9, busyNanos / 1e9,
                provNanos == 0 ? 0 : Math.min(1, (double) busyNanos / provNanos), cost, busyCost, cost - busyCost,
                unattributed, rows, runs, classes, keyCosts(tags, 0), keyCosts(jobs, bulkIdlePerBusyNano), instances);
    }

    /** Splits idle nanoseconds over the classes per the policy; what is left is unattributed. */
    static long[] idleShares(long idle, IdlePolicy policy, long[] weights) {
        long[] share = new long[weights.length];
        if (idle <= 0) {
            return share;
        }
        switch (policy) {
            case INTERACTIVE -> share[ServiceClass.INTERACTIVE.ordinal()] = idle;
            case PROPORTIONAL -> {
                long total = 0;
                int top = -1;
                for (int c = 0; c < weights.length; c++) {
                    total += weights[c];
                    if (top < 0 || weights[c] > weights[top]) {
                        top = c;
                    }
                }
                if (total > 0) {
                    long assigned = 0;
                    for (int c = 0; c < weights.length; c++) {
                        share[c] = Cell.mulDiv(idle, weights[c], total);
                        assigned += share[c];
                    }
                    share[top] += idle - assigned;
                }
            }
            case SEPARATE -> {
                // nobody pays: all of it stays unattributed
            }
        }
        return share;
    }

    private static void addKeys(Map<String, double[]> into, Map<String, long[]> keys, double perNano) {
        if (keys == null) {
            return;
        }
        keys.forEach((k, v) -> {
            double[] t = into.computeIfAbsent(k, x -> new double[4]);
            t[0] += v[0];
            t[1] += v[1];
            t[2] += v[1] * perNano;
        });
    }

    private static List<KeyCost> keyCosts(Map<String, double[]> keys, double idlePerBusyNano) {
        List<KeyCost> out = new ArrayList<>();
        keys.forEach((k, t) -> out.add(new KeyCost(k, (long) t[0], t[1] / 1e9, t[2] + t[1] * idlePerBusyNano)));
        return out;
    }
}
