package io.batchwise.ledger;

import io.batchwise.model.InvalidConfig;

/**
 * A priced kind of capacity: one machine type bought one way.
 *
 * @param name         the name models refer to in their {@code pool} field
 * @param pricePerHour what one machine of the pool costs per hour, in the sheet's currency
 * @param category     on-demand, spot or reserved
 * @param slots        the machine's cores (CPU pools) or GPUs (GPU pools); an instance pays
 *                     {@code pricePerHour x its slots / slots}
 */
public record Pool(String name, double pricePerHour, PricingCategory category, int slots) {
    public Pool {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new InvalidConfig("pools: pool name must be letters, digits, '_', '.' or '-' (got " + name + ")");
        }
        String at = "pools." + name + ".";
        if (!(pricePerHour >= 0) || Double.isInfinite(pricePerHour)) {
            throw new InvalidConfig(at + "price_per_hour: must be a finite number >= 0 (got " + pricePerHour + ")");
        }
        if (category == null) {
            throw new InvalidConfig(at + "category: is required (on-demand, spot or reserved)");
        }
        if (slots < 1) {
            throw new InvalidConfig(at + "slots: must be >= 1 (got " + slots + ")");
        }
    }

    /** Dollars per hour of an instance occupying {@code instanceSlots} of this pool's slots. */
    public double ratePerHour(int instanceSlots) {
        return pricePerHour * instanceSlots / slots;
    }
}
