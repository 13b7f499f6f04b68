package io.batchwise.plan;

import java.util.Locale;

/** A plan as plain text for the terminal. */
public final class PlanTable {
    private PlanTable() {
    }

    public static String write(Plan plan) {
        StringBuilder out = new StringBuilder();
        String cur = plan.currency();
        for (Plan.WorkloadPlan wp : plan.workloads()) {
            Workload w = wp.workload();
            out.append(String.format(Locale.ROOT, "%s  (model %s, %s rows/day, peak %s rows/s, latency %s, now %s)%n",
                    w.name(), w.model(), Format.rate(w.rowsPerDay()), Format.rate(w.peakRowsPerSecond()),
                    Format.duration(w.latency()), w.currentMode().label()));
            out.append(String.format(Locale.ROOT, "  %-16s %-8s %5s %6s %12s %12s  %s%n", "mode", "feasible", "inst",
                    "util", cur + "/month", cur + "/1k rows", "why"));
            for (ModeEstimate e : wp.modes()) {
                out.append(String.format(Locale.ROOT, "  %-16s %-8s %5s %6s %12s %12s  %s%n", e.mode().label(),
                        e.feasible() ? "yes" : "no", e.feasible() ? Integer.toString(e.instances()) : "-",
                        e.feasible() ? Format.percent(e.utilization()) : "-", Format.money(e.monthlyCost()),
                        Format.money(e.costPer1k()), e.reason()));
            }
            if (wp.recommended() == null) {
                out.append("  -> no mode meets the requirement\n\n");
                continue;
            }
            out.append("  -> recommended: ").append(wp.recommended().label());
            ModeEstimate micro = wp.mode(Mode.MICRO_BATCH);
            if (wp.recommended() == Mode.MICRO_BATCH && micro.batchWindow() != null) {
                out.append(" (policy slo; as a fixed window: max_queue_delay ")
                        .append(Format.duration(micro.batchWindow())).append(')');
            }
            if (!Double.isNaN(wp.savingPerMonth())) {
                out.append(String.format(Locale.ROOT, ", saving %s %s/month against %s", Format.money(wp.savingPerMonth()),
                        cur, w.currentMode().label()));
            }
            out.append("\n\n");
        }
        out.append("forecast (").append(cur).append("/month, cheapest feasible mode each month):\n");
        for (Plan.ForecastMonth f : plan.forecast()) {
            out.append(String.format(Locale.ROOT, "  %s  %12s", f.period(), Format.money(f.totalCost())));
            for (Plan.ForecastEntry e : f.workloads()) {
                out.append("  ").append(e.name()).append('=').append(Format.money(e.monthlyCost()));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
