package io.batchwise.cost;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** A cost report as a terminal table: a line per model, then its classes, tags and jobs. */
final class CostTable {
    private CostTable() {
    }

    static String write(JsonNode r) {
        StringBuilder out = new StringBuilder();
        String cur = r.path("currency").asText();
        out.append(String.format(Locale.ROOT, "Cost %s .. %s  (%s, idle paid by: %s)%n", r.path("from").asText(),
                r.path("to").asText(), cur, r.path("idle_policy").asText()));
        if (r.path("models").isEmpty()) {
            out.append("no models have run yet\n");
            return out.toString();
        }
        String row = "%-18s %-14s %-11s %12s %10s %10s %6s %12s %12s %12s%n";
        out.append(String.format(Locale.ROOT, row, "MODEL / CLASS", "POOL", "CATEGORY", "ROWS", "RUNS", "BUSY_S",
                "UTIL", "COST", "IDLE_COST", "COST/1K"));
        for (JsonNode m : r.path("models")) {
            out.append(String.format(Locale.ROOT, row, m.path("model").asText(), m.path("pool").asText(),
                    m.path("pricing_category").asText("unpriced"), m.path("rows").asLong(), m.path("runs").asLong(),
                    seconds(m.path("busy_seconds")), percent(m.path("utilization")), money(m.path("cost")),
                    money(m.path("idle_cost")), ""));
            for (JsonNode c : m.path("classes")) {
                out.append(String.format(Locale.ROOT, row, "  " + c.path("class").asText(), "", "",
                        c.path("rows").asLong(), c.path("runs").asLong(), seconds(c.path("busy_seconds")), "",
                        money(c.path("cost")), money(c.path("idle_cost")), money(c.path("cost_per_1k"))));
            }
            if (m.path("unattributed_cost").asDouble() != 0) {
                out.append(String.format(Locale.ROOT, row, "  (idle, nobody)", "", "", "", "", "", "",
                        money(m.path("unattributed_cost")), money(m.path("unattributed_cost")), ""));
            }
            for (JsonNode t : m.path("tags")) {
                out.append(String.format(Locale.ROOT, row, "  tag " + t.path("tag").asText(), "", "",
                        t.path("rows").asLong(), "", seconds(t.path("busy_seconds")), "", money(t.path("cost")), "", ""));
            }
            for (JsonNode j : m.path("jobs")) {
                out.append(String.format(Locale.ROOT, row, "  job " + j.path("job").asText(), "", "",
                        j.path("rows").asLong(), "", seconds(j.path("busy_seconds")), "", money(j.path("cost")), "", ""));
            }
        }
        out.append(String.format(Locale.ROOT, "(tag costs are busy time only; cost = busy + idle; money in %s)%n", cur));
        return out.toString();
    }

    private static String money(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "-";
        }
        double d = v.asDouble();
        return d == 0 ? "0" : d >= 1 ? String.format(Locale.ROOT, "%.4f", d) : String.format(Locale.ROOT, "%.4g", d);
    }

    private static String seconds(JsonNode v) {
        return String.format(Locale.ROOT, "%.3f", v.asDouble());
    }

    private static String percent(JsonNode v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v.asDouble());
    }
}
