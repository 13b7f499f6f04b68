package io.batchwise.demo;

import static io.batchwise.demo.SvgBars.esc;

import io.batchwise.plan.ModeEstimate;
import io.batchwise.plan.Plan;
import io.batchwise.plan.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's results as one self-contained HTML file: inline CSS and SVG, no scripts, no
 * external resources, well-formed XML. The same numbers as the terminal table, with charts of
 * cost per 1k rows, utilization and latency per mode, and the planner's advice.
 */
final class DemoHtml {
    private static final String[] COLORS = {"#c0392b", "#e67e22", "#f1c40f", "#2980b9", "#27ae60"};

    private DemoHtml() {
    }

    static String write(DemoResult r, String spotNote) {
        String cur = r.currency();
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<title>batchwise demo: batch vs real-time, measured</title><style>")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;")
                .append("max-width:1200px;color:#222;padding:0 1em}")
                .append("table{border-collapse:collapse;margin:0.6em 0}td,th{border-bottom:1px solid #ddd;")
                .append("padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}")
                .append("td.num,th.num{text-align:right}.charts{display:flex;flex-wrap:wrap;gap:12px}")
                .append("svg.chart{border:1px solid #eee;background:#fff}section{margin-top:2em}small{color:#666}")
                .append("</style></head><body>\n");
        h.append("<h1>Batch vs real-time, measured on this machine</h1>\n<p>The demo scorer (a 100 MB MLP) served ")
                .append("by the real batchwise server in five modes, one after another, on the same hardware and ")
                .append("price sheet. Every number comes from this run: costs and utilization from the cost ledger, ")
                .append("latency from the clients.</p>\n<p><small>");
        List<String> facts = new ArrayList<>();
        for (Map.Entry<String, String> e : r.machine().entrySet()) {
            facts.add(e.getKey().replace('_', ' ') + ": " + e.getValue());
        }
        h.append(esc(String.join(" · ", facts))).append("</small></p>\n<ul>");
        for (String s : r.setup()) {
            h.append("<li>").append(esc(s)).append("</li>");
        }
        h.append("</ul>\n");
        table(h, r, cur);
        h.append("<div class=\"charts\">");
        List<String> labels = r.modes().stream().map(m -> m.mode().label()).toList();
        double[] cost = values(r, DemoResult.ModeLine::costPer1k);
        double costTop = SvgBars.niceTop(java.util.Arrays.stream(cost).filter(Double::isFinite).max().orElse(1));
        h.append(SvgBars.chart("cost", "Cost per 1k rows (" + cur + ")", labels,
                List.of(new SvgBars.Series(cur + " per 1k rows", "#2980b9", cost)), false, costTop, DemoTable::money,
                SvgBars.decimals(costTop, "")));
        h.append(SvgBars.chart("utilization", "Utilization: busy / provisioned", labels,
                List.of(new SvgBars.Series("utilization", "#27ae60", values(r, DemoResult.ModeLine::utilization))), false,
                1, v -> String.format(Locale.ROOT, "%.0f%%", 100 * v), v -> String.format(Locale.ROOT, "%.0f%%", 100 * v)));
        h.append(SvgBars.chart("latency", "Latency (log scale; batch modes: job makespan)", labels,
                List.of(new SvgBars.Series("p50", "#f1c40f", values(r, DemoResult.ModeLine::p50Ms)),
                        new SvgBars.Series("p99", "#c0392b", values(r, DemoResult.ModeLine::p99Ms))),
                true, Double.NaN, DemoTable::ms, DemoTable::ms));
        h.append("</div>\n");
        notes(h, r, spotNote);
        plan(h, r.plan());
        return h.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder h, DemoResult r, String cur) {
        h.append("<table id=\"modes\"><tr><th>mode</th><th>model</th><th>served as</th><th class=\"num\">utilization</th>")
                .append("<th class=\"num\">").append(esc(cur)).append(" per 1k rows</th><th class=\"num\">vs real-time</th>")
                .append("<th class=\"num\">p50</th><th class=\"num\">p99</th><th class=\"num\">rows</th>")
                .append("<th class=\"num\">rows/run</th><th>spot-eligible</th><th>best for</th></tr>\n");
        double rt = r.mode(DemoMode.REAL_TIME).costPer1k();
        int i = 0;
        for (DemoResult.ModeLine m : r.modes()) {
            h.append("<tr><td><span style=\"color:").append(COLORS[i++ % COLORS.length]).append("\">&#9632;</span> <b>")
                    .append(esc(m.mode().label())).append("</b></td><td>").append(esc(m.model())).append("</td><td>")
                    .append(esc(m.served())).append("</td>")
                    .append(num(DemoTable.percent(m.utilization()))).append(num(DemoTable.money(m.costPer1k())))
                    .append(num(DemoTable.versus(m.costPer1k(), rt))).append(num(DemoTable.ms(m.p50Ms())))
                    .append(num(DemoTable.ms(m.p99Ms()))).append(num(String.format(Locale.ROOT, "%,d", m.rows())))
                    .append(num(String.format(Locale.ROOT, "%.1f", m.rowsPerRun()))).append("<td>")
                    .append(m.mode().spotEligible() ? "yes" : "no").append("</td><td>").append(esc(m.mode().bestFor()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void notes(StringBuilder h, DemoResult r, String spotNote) {
        h.append("<section><h2>How to read it</h2><pre>").append(esc(DemoTable.notes(r, spotNote))).append("</pre></section>\n");
    }

    private static void plan(StringBuilder h, Plan plan) {
        String cur = plan.currency();
        h.append("<section><h2>What the planner recommends</h2><p>For a small built-in inventory of workloads on the ")
                .append("same model, from the scorer's latency curve measured in this run and the same price sheet ")
                .append("(live modes sized for the peak hour by simulating the scheduler).</p>")
                .append("<table id=\"plan\"><tr><th>workload</th><th class=\"num\">rows/day</th><th class=\"num\">peak")
                .append("</th><th>latency</th><th>now</th><th class=\"num\">now ").append(esc(cur)).append("/month</th>")
                .append("<th>recommended</th><th class=\"num\">").append(esc(cur)).append("/month</th>")
                .append("<th class=\"num\">saving/month</th></tr>\n");
        for (Plan.WorkloadPlan wp : plan.workloads()) {
            Workload w = wp.workload();
            ModeEstimate now = wp.mode(w.currentMode());
            ModeEstimate rec = wp.recommendedEstimate();
            h.append("<tr><td>").append(esc(w.name())).append("</td>").append(num(DemoTable.count(w.rowsPerDay())))
                    .append(num(String.format(Locale.ROOT, "%.0fx", w.peakRowsPerSecond() / w.averageRowsPerSecond())))
                    .append("<td>").append(esc(io.batchwise.model.Durations.format(w.latency()))).append("</td><td>")
                    .append(esc(w.currentMode().label())).append("</td>")
                    .append(num(now.feasible() ? DemoTable.money(now.monthlyCost()) : "infeasible")).append("<td><b>")
                    .append(esc(rec == null ? "none feasible" : rec.mode().label())).append("</b></td>")
                    .append(num(rec == null ? "-" : DemoTable.money(rec.monthlyCost())))
                    .append(num(DemoTable.money(wp.savingPerMonth()))).append("</tr>\n");
        }
        h.append("</table><p><small>Run <code>./batchwise plan</code> with your own workload file for the full report ")
                .append("(every mode, batch windows, a 12-month forecast).</small></p></section>\n");
    }

    private static double[] values(DemoResult r, java.util.function.ToDoubleFunction<DemoResult.ModeLine> f) {
        return r.modes().stream().mapToDouble(f).toArray();
    }

    private static String num(String text) {
        return "<td class=\"num\">" + esc(text) + "</td>";
    }
}
