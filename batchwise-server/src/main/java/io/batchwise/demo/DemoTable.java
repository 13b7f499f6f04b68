package io.batchwise.demo;

import io.batchwise.plan.ModeEstimate;
import io.batchwise.plan.Plan;
import io.batchwise.plan.Workload;
import java.util.Locale;

/** The demo's results as terminal text: the modes table, how to read it, and the planner's advice. */
final class DemoTable {
    private DemoTable() {
    }

    /** One line per mode. */
    static String modes(DemoResult r) {
        StringBuilder out = new StringBuilder();
        String cur = r.currency();
        String row = "%-15s %-16s %5s %12s %8s %9s %9s %8s %8s %-4s  %s%n";
        out.append(String.format(Locale.ROOT, row, "MODE", "MODEL", "UTIL", cur + "/1K ROWS", "VS RT", "P50", "P99",
                "ROWS", "ROWS/RUN", "SPOT", "BEST FOR"));
        double rt = r.mode(DemoMode.REAL_TIME).costPer1k();
        for (DemoResult.ModeLine m : r.modes()) {
            out.append(String.format(Locale.ROOT, row, m.mode().label(), m.model(), percent(m.utilization()),
                    money(m.costPer1k()), versus(m.costPer1k(), rt), ms(m.p50Ms()), ms(m.p99Ms()),
                    String.format(Locale.ROOT, "%,d", m.rows()), String.format(Locale.ROOT, "%.1f", m.rowsPerRun()),
                    m.mode().spotEligible() ? "yes" : "no", m.mode().bestFor()));
        }
        return out.toString();
    }

    /** What the columns mean, and the side measurements (shed requests, live latency beside the job). */
    static String notes(DemoResult r, String spotNote) {
        StringBuilder out = new StringBuilder();
        DemoResult.ModeLine micro = r.mode(DemoMode.MICRO_BATCH);
        DemoResult.Live live = r.liveDuringBatch();
        out.append("utilization: busy / provisioned seconds of the mode's instance during its phase (the ledger);"
                        + " batch modes: from POST /v1/batches to completed, validation included.\n")
                .append("cost per 1k rows: what the instance cost during the phase, idle time included, / rows served;\n")
                .append("  batch+live: the job's rows pay their busy time, the live traffic that keeps the capacity warm"
                        + " pays the idle time.\n")
                .append("real-time vs micro-batch: the same traffic on one instance costs about the same per row; micro-"
                        + "batching serves it with less busy time, the headroom that lets fewer instances carry a peak"
                        + " (see the planner below).\n")
                .append("latency: live modes per request, from its scheduled send time; batch modes: the job's makespan"
                        + " (POST /v1/batches to completed), when its results are available.\n");
        out.append(String.format(Locale.ROOT, "shed: real-time %.1f%%, micro-batch %.1f%%, near-real-time %.1f%% of requests"
                        + " (refused with 429/503, not counted in rows).%n",
                100 * r.mode(DemoMode.REAL_TIME).shed(), 100 * micro.shed(), 100 * r.mode(DemoMode.NEAR_REAL_TIME).shed()));
        out.append(String.format(Locale.ROOT, "live traffic during batch+live: p50 %s, p99 %s, shed %.1f%% (micro-batch alone:"
                        + " p50 %s, p99 %s).%n", ms(live.p50Ms()), ms(live.p99Ms()), 100 * live.shed(), ms(micro.p50Ms()),
                ms(micro.p99Ms())));
        if (spotNote != null) {
            out.append(spotNote).append('\n');
        }
        return out.toString();
    }

    /** The planner's recommendation per workload, one line each. */
    static String plan(Plan plan) {
        StringBuilder out = new StringBuilder();
        String cur = plan.currency();
        String row = "  %-16s %11s %6s %8s  %-11s %11s  ->  %-15s %11s %11s%n";
        out.append(String.format(Locale.ROOT, row, "WORKLOAD", "ROWS/DAY", "PEAK", "LATENCY", "NOW", cur + "/MONTH",
                "RECOMMENDED", cur + "/MONTH", "SAVING"));
        for (Plan.WorkloadPlan wp : plan.workloads()) {
            Workload w = wp.workload();
            ModeEstimate now = wp.mode(w.currentMode());
            ModeEstimate rec = wp.recommendedEstimate();
            out.append(String.format(Locale.ROOT, row, w.name(), count(w.rowsPerDay()),
                    String.format(Locale.ROOT, "%.0fx", w.peakRowsPerSecond() / w.averageRowsPerSecond()),
                    io.batchwise.model.Durations.format(w.latency()), w.currentMode().label(),
                    now.feasible() ? money(now.monthlyCost()) : "infeasible",
                    rec == null ? "none feasible" : rec.mode().label(),
                    rec == null ? "-" : money(rec.monthlyCost()), money(wp.savingPerMonth())));
        }
        return out.toString();
    }

    static String count(double v) {
        if (v >= 1e9) {
            return String.format(Locale.ROOT, "%.1fB", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.0fM", v / 1e6);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String percent(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * f);
    }

    static String money(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a < 5e-7) {
            return "0";
        }
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 1 ? "%.2f" : a >= 0.01 ? "%.4f" : "%.6f", v);
    }

    /** A mode's cost against real-time's: {@code -92%}. */
    static String versus(double cost, double realTime) {
        if (Double.isNaN(cost) || Double.isNaN(realTime) || realTime <= 0) {
            return "-";
        }
        double change = cost / realTime - 1;
        return Math.abs(change) < 0.005 ? "=" : String.format(Locale.ROOT, "%+.0f%%", 100 * change);
    }

    static String ms(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }
}
