package io.batchwise.plan;

import static io.batchwise.plan.SvgChart.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plan as one self-contained HTML file: inline CSS and SVG, no scripts, no external
 * resources, and well-formed XML (so it can be checked by a parser). Per workload: the modes
 * table, monthly cost per mode, cost per 1k rows against batch size, and p99 against load; and
 * the forecast across workloads.
 */
public final class PlanHtml {
    private static final String[] MODE_COLORS = {"#c0392b", "#e67e22", "#f1c40f", "#2980b9", "#27ae60"};
    private static final String[] SERIES_COLORS = {"#2980b9", "#27ae60", "#8e44ad", "#e67e22", "#c0392b", "#16a085"};

    private PlanHtml() {
    }

    public static String write(Plan plan) {
        String cur = plan.currency();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<title>batchwise serving plan</title><style>")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;")
                .append("max-width:1200px;color:#222;padding:0 1em}")
                .append("table{border-collapse:collapse;margin:0.6em 0}td,th{border-bottom:1px solid #ddd;")
                .append("padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}")
                .append("td.num,th.num{text-align:right}tr.best{background:#eafaf1}tr.no{color:#888}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:12px}svg.chart{border:1px solid #eee;background:#fff}")
                .append("section{margin-top:2.5em}small{color:#666}</style></head><body>\n");
        h.append("<h1>Serving plan</h1>\n<p>For each workload every serving mode was evaluated from the model's ")
                .append("measured profile and the price sheet: live modes are sized for the peak hour by simulating ")
                .append("batchwise's scheduler with Poisson arrivals (p99 within the requirement, shed requests ")
                .append("counted as late); batch modes are costed at the best batch size within the completion window. ")
                .append("Costs in ").append(esc(cur)).append(" per month of ")
                .append(Format.number(ModeEstimate.HOURS_PER_MONTH)).append(" hours.</p>\n");
        summary(h, plan);
        forecast(h, plan);
        for (Plan.WorkloadPlan wp : plan.workloads()) {
            workload(h, wp, cur);
        }
        Assumptions a = plan.assumptions();
        h.append("<section><h2>Assumptions</h2><p>Spot preemption overhead ")
                .append(esc(Format.percent(a.spotPreemptionOverhead()))).append(", spot recovery ")
                .append(esc(Format.duration(a.spotRecovery()))).append(", batch start-up ")
                .append(esc(Format.duration(a.batchStartup()))).append(", minimum billing ")
                .append(esc(Format.duration(a.minBilling()))).append(" per machine start.</p></section>\n");
        return h.append("</body></html>\n").toString();
    }

    private static void summary(StringBuilder h, Plan plan) {
        String cur = plan.currency();
        h.append("<table id=\"summary\"><tr><th>workload</th><th>model</th><th>now</th><th>recommended</th>")
                .append("<th class=\"num\">now ").append(esc(cur)).append("/month</th><th class=\"num\">recommended ")
                .append(esc(cur)).append("/month</th><th class=\"num\">saving/month</th></tr>\n");
        for (Plan.WorkloadPlan wp : plan.workloads()) {
            Workload w = wp.workload();
            ModeEstimate rec = wp.recommendedEstimate();
            h.append("<tr><td><a href=\"#").append(esc(anchor(w.name()))).append("\">").append(esc(w.name()))
                    .append("</a></td><td>").append(esc(w.model())).append("</td><td>")
                    .append(esc(w.currentMode().label())).append("</td><td><b>")
                    .append(esc(rec == null ? "none feasible" : rec.mode().label())).append("</b></td>")
                    .append(num(wp.mode(w.currentMode()).monthlyCost())).append(num(rec == null ? Double.NaN
                            : rec.monthlyCost())).append(num(wp.savingPerMonth())).append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void forecast(StringBuilder h, Plan plan) {
        List<SvgChart.Series> series = new ArrayList<>();
        List<double[]> total = new ArrayList<>();
        for (Plan.ForecastMonth f : plan.forecast()) {
            total.add(new double[] {f.month(), f.totalCost()});
        }
        series.add(new SvgChart.Series("total", "#222", total));
        for (int i = 0; i < plan.workloads().size() && plan.workloads().size() > 1; i++) {
            List<double[]> pts = new ArrayList<>();
            for (Plan.ForecastMonth f : plan.forecast()) {
                pts.add(new double[] {f.month(), f.workloads().get(i).monthlyCost()});
            }
            series.add(new SvgChart.Series(plan.workloads().get(i).workload().name(),
                    SERIES_COLORS[i % SERIES_COLORS.length], pts));
        }
        Plan.ForecastMonth first = plan.forecast().get(0);
        Plan.ForecastMonth last = plan.forecast().get(plan.forecast().size() - 1);
        h.append("<section id=\"forecast\"><h2>Forecast</h2><p>Monthly spend with each workload's growth, ")
                .append("each month on its cheapest feasible mode: ").append(esc(Format.money(first.totalCost())))
                .append(' ').append(esc(plan.currency())).append(" in ").append(first.period()).append(", ")
                .append(esc(Format.money(last.totalCost()))).append(" in ").append(last.period()).append(".</p>")
                .append(SvgChart.lines("forecast", "Monthly spend, months from " + first.period(), "month",
                        plan.currency() + "/month", series, false, Double.NaN, ""))
                .append("</section>\n");
    }

    private static void workload(StringBuilder h, Plan.WorkloadPlan wp, String cur) {
        Workload w = wp.workload();
        h.append("<section id=\"").append(esc(anchor(w.name()))).append("\"><h2>").append(esc(w.name()))
                .append("</h2><p>Model <b>").append(esc(w.model())).append("</b>, ")
                .append(esc(Format.rate(w.rowsPerDay()))).append(" rows/day, peak ")
                .append(esc(Format.rate(w.peakRowsPerSecond()))).append(" rows/s, latency requirement ")
                .append(esc(Format.duration(w.latency()))).append(", served today as ")
                .append(esc(w.currentMode().label())).append(". Profile: ").append(esc(wp.profile().source()))
                .append(", ").append(wp.profile().points().size()).append(" points.</p>");
        ModeEstimate rec = wp.recommendedEstimate();
        if (rec != null) {
            h.append("<p>Recommended: <b>").append(esc(rec.mode().label())).append("</b>");
            ModeEstimate micro = wp.mode(Mode.MICRO_BATCH);
            if (micro.batchWindow() != null) {
                h.append("; micro-batch window (policy window): <b>").append(esc(Format.duration(micro.batchWindow())))
                        .append("</b>");
            }
            if (!Double.isNaN(wp.savingPerMonth())) {
                h.append("; saving <b>").append(esc(Format.money(wp.savingPerMonth()))).append(' ').append(esc(cur))
                        .append("/month</b> against ").append(esc(w.currentMode().label()));
            }
            h.append(".</p>");
        } else {
            h.append("<p><b>No mode meets the requirement.</b></p>");
        }
        h.append("<table><tr><th>mode</th><th>feasible</th><th class=\"num\">instances</th>")
                .append("<th class=\"num\">utilization</th><th class=\"num\">").append(esc(cur))
                .append("/month</th><th class=\"num\">").append(esc(cur)).append("/1k rows</th><th>why</th></tr>\n");
        for (ModeEstimate e : wp.modes()) {
            h.append("<tr class=\"").append(e.mode() == wp.recommended() ? "best" : e.feasible() ? "ok" : "no")
                    .append("\"><td>").append(esc(e.mode().label())).append("</td><td>")
                    .append(e.feasible() ? "yes" : "no").append("</td><td class=\"num\">")
                    .append(e.feasible() ? Integer.toString(e.instances()) : "-").append("</td><td class=\"num\">")
                    .append(e.feasible() ? esc(Format.percent(e.utilization())) : "-").append("</td>")
                    .append(num(e.monthlyCost())).append(num(e.costPer1k())).append("<td><small>")
                    .append(esc(e.reason())).append("</small></td></tr>\n");
        }
        h.append("</table><div class=\"charts\">");
        List<String> labels = new ArrayList<>();
        double[] costs = new double[wp.modes().size()];
        for (int i = 0; i < costs.length; i++) {
            labels.add(wp.modes().get(i).mode().label());
            costs[i] = wp.modes().get(i).monthlyCost();
        }
        h.append(SvgChart.bars("cost-per-mode", "Monthly cost per mode (" + cur + ")", cur + "/month", labels, costs,
                MODE_COLORS));
        h.append(costPerBatchSize(wp, cur));
        h.append(latencyVsLoad(wp));
        h.append("</div></section>\n");
    }

    private static String costPerBatchSize(Plan.WorkloadPlan wp, String cur) {
        List<double[]> live = new ArrayList<>();
        List<double[]> spot = new ArrayList<>();
        for (double[] p : wp.costVsBatchSize()) {
            live.add(new double[] {p[0], p[1]});
            if (!Double.isNaN(p[2])) {
                spot.add(new double[] {p[0], p[2]});
            }
        }
        List<SvgChart.Series> series = new ArrayList<>();
        series.add(new SvgChart.Series(wp.mode(Mode.REAL_TIME).pool() + " (fully used)", SERIES_COLORS[0], live));
        if (!spot.isEmpty()) {
            series.add(new SvgChart.Series(wp.mode(Mode.BATCH_SPOT).pool() + " (+ preemption)", SERIES_COLORS[1], spot));
        }
        return SvgChart.lines("cost-per-batch-size", "Cost per 1k rows vs batch size", "rows per run (log scale)",
                cur + " per 1k rows", series, true, Double.NaN, "");
    }

    private static String latencyVsLoad(Plan.WorkloadPlan wp) {
        List<SvgChart.Series> series = new ArrayList<>();
        int i = 2;
        for (Mode m : List.of(Mode.REAL_TIME, Mode.MICRO_BATCH)) {
            List<double[]> pts = wp.latencyVsLoad().get(m);
            if (pts == null) {
                continue;
            }
            List<double[]> ms = new ArrayList<>();
            for (double[] p : pts) {
                ms.add(new double[] {p[0], p[1] * 1e3});
            }
            series.add(new SvgChart.Series(m.label() + " x" + wp.mode(m).instances(), SERIES_COLORS[i++], ms));
        }
        double limit = wp.workload().latency().toNanos() / 1e6;
        double highest = 0;
        for (SvgChart.Series se : series) {
            for (double[] p : se.points()) {
                highest = Double.isInfinite(p[1]) ? highest : Math.max(highest, p[1]);
            }
        }
        if (highest > 0 && limit > 10 * highest) {
            limit = Double.NaN; // a completion window of hours would flatten every curve
        }
        String title = "Simulated p99 vs load" + (series.isEmpty() ? " (no live mode is feasible)" : "");
        return SvgChart.lines("latency-vs-load", title, "offered rows/s", "p99 ms", series, false, limit,
                "requirement " + Format.duration(wp.workload().latency()));
    }

    private static String num(double v) {
        return "<td class=\"num\">" + esc(Format.money(v)) + "</td>";
    }

    private static String anchor(String name) {
        return "w-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    }
}
