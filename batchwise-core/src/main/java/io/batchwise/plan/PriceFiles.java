package io.batchwise.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the price sheet format ({@code pools: NAME: {price_per_hour, category, slots}}) for the
 * planner, with file and line in errors.
 */
public final class PriceFiles {
    private static final Set<String> TOP = Set.of("currency", "idle_policy", "pools");
    private static final Set<String> POOL = Set.of("price_per_hour", "category", "slots", "description");

    private PriceFiles() {
    }

    /** The built-in sheet (AWS us-east-1 list prices: c7i.large on-demand, spot, reserved; g5.xlarge). */
    public static PlanPrices builtIn() {
        return PlanPrices.of("USD", List.of(
                new PlanPrices.Pool("cpu-on-demand", 0.08925, "on-demand", 2),
                new PlanPrices.Pool("cpu-spot", 0.0357, "spot", 2),
                new PlanPrices.Pool("cpu-reserved", 0.0563, "reserved", 2),
                new PlanPrices.Pool("gpu-on-demand", 1.006, "on-demand", 1)));
    }

    public static PlanPrices read(Path file) {
        return parse(DocNode.read(file));
    }

    public static PlanPrices parse(String text, String name) {
        return parse(DocNode.parse(text, name, false));
    }

    private static PlanPrices parse(DocNode root) {
        root.map(TOP);
        String currency = root.get("currency") == null ? "USD" : root.get("currency").string();
        List<PlanPrices.Pool> pools = new ArrayList<>();
        for (Map.Entry<String, DocNode> e : root.require("pools").map(null).entrySet()) {
            DocNode p = e.getValue();
            p.map(POOL);
            String category = p.require("category").string();
            if (!Set.of("on-demand", "spot", "reserved").contains(category)) {
                throw p.require("category").error("must be on-demand, spot or reserved (got " + category + ")");
            }
            pools.add(new PlanPrices.Pool(e.getKey(), p.require("price_per_hour").number(0, 1e9), category,
                    p.require("slots").integer(1, 1 << 20)));
        }
        if (pools.isEmpty()) {
            throw root.require("pools").error("needs at least one pool");
        }
        return PlanPrices.of(currency, pools);
    }
}
