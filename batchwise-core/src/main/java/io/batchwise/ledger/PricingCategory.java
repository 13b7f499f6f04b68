package io.batchwise.ledger;

import io.batchwise.model.InvalidConfig;
import java.util.Locale;

/** How a pool's capacity is bought; decides the FinOps FOCUS {@code PricingCategory}. */
public enum PricingCategory {
    /** Pay as you go, no commitment. */
    ON_DEMAND("on-demand", "Standard"),
    /** Interruptible spare capacity at a market price. */
    SPOT("spot", "Dynamic"),
    /** Committed use (reserved instances, savings plans). */
    RESERVED("reserved", "Committed");

    private final String label;
    private final String focus;

    PricingCategory(String label, String focus) {
        this.label = label;
        this.focus = focus;
    }

    /** The price sheet's spelling: {@code on-demand}, {@code spot}, {@code reserved}. */
    public String label() {
        return label;
    }

    /** The FOCUS PricingCategory value: Standard, Dynamic or Committed. */
    public String focus() {
        return focus;
    }

    /** Parses the price sheet's spelling; the error names {@code field}. */
    public static PricingCategory parse(String field, Object value) {
        String text = value == null ? "" : value.toString().trim().toLowerCase(Locale.ROOT);
        for (PricingCategory c : values()) {
            if (c.label.equals(text)) {
                return c;
            }
        }
        throw new InvalidConfig(field + ": must be on-demand, spot or reserved (got " + value + ")");
    }
}
