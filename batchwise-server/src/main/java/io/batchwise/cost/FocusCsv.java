package io.batchwise.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.ledger.PricingCategory;
import java.util.List;

/**
 * A cost report as CSV with FinOps FOCUS column names, one charge per model and class plus one
 * per model for idle cost no class pays, so {@code EffectiveCost} sums to the total. Class
 * charges consume predictions (rows); the unattributed idle charge consumes instance seconds.
 * {@code PricingCategory}: on-demand is Standard, spot Dynamic, reserved Committed; a pool
 * missing from the price sheet is Other.
 */
final class FocusCsv {
    static final List<String> COLUMNS = List.of("ChargePeriodStart", "ChargePeriodEnd", "BillingCurrency",
            "ChargeCategory", "ChargeDescription", "ServiceName", "ResourceId", "ResourceName", "PricingCategory",
            "ConsumedQuantity", "ConsumedUnit", "EffectiveCost", "Tags", "x_ServiceClass", "x_CostPer1k");
    private static final ObjectMapper JSON = new ObjectMapper();

    private FocusCsv() {
    }

    static String write(JsonNode r) {
        StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        for (JsonNode m : r.path("models")) {
            String model = m.path("model").asText();
            String pool = m.path("pool").asText();
            String category = focusCategory(m.path("pricing_category").asText(null));
            for (JsonNode c : m.path("classes")) {
                String cls = c.path("class").asText();
                line(out, r, category, model, pool, cls,
                        model + " " + cls + " predictions on " + pool + " (busy time, and idle time per the "
                                + r.path("idle_policy").asText() + " policy)",
                        c.path("rows").asText(), "Predictions", c.path("cost").asDouble(),
                        c.path("cost_per_1k").isNull() ? "" : number(c.path("cost_per_1k").asDouble()));
            }
            double unattributed = m.path("unattributed_cost").asDouble();
            if (unattributed != 0) {
                line(out, r, category, model, pool, "idle", model + " idle capacity on " + pool + " charged to no class",
                        number(m.path("unattributed_idle_seconds").asDouble()), "Seconds", unattributed, "");
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, JsonNode r, String category, String model, String pool, String cls,
                             String description, String quantity, String unit, double cost, String per1k) {
        ObjectNode tags = JSON.createObjectNode();
        tags.put("batchwise/model", model);
        tags.put("batchwise/pool", pool);
        tags.put("batchwise/class", cls);
        List<String> values = List.of(r.path("from").asText(), r.path("to").asText(), r.path("currency").asText(),
                "Usage", description, "batchwise", "models/" + model, model, category, quantity, unit, number(cost),
                tags.toString(), cls, per1k);
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(escape(values.get(i)));
        }
        out.append("\r\n");
    }

    static String focusCategory(String label) {
        for (PricingCategory c : PricingCategory.values()) {
            if (c.label().equals(label)) {
                return c.focus();
            }
        }
        return "Other";
    }

    private static String number(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(12)).stripTrailingZeros().toPlainString();
    }

    /** RFC 4180: quote fields holding a comma, quote or line break; double the quotes. */
    static String escape(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
