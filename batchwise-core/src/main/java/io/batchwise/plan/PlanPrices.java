package io.batchwise.plan;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The prices the planner needs from a price sheet: pools with a price per machine-hour, a
 * category and the machine's slots.
 */
public interface PlanPrices {
    /**
     * A priced pool.
     *
     * @param category {@code on-demand}, {@code spot} or {@code reserved}
     * @param slots    cores (CPU pools) or GPUs of one machine
     */
    record Pool(String name, double pricePerHour, String category, int slots) {
        /** Per hour of an instance that occupies {@code instanceSlots} of a machine's slots. */
        public double ratePerHour(int instanceSlots) {
            return pricePerHour * instanceSlots / slots;
        }

        public boolean spot() {
            return category.equals("spot");
        }
    }

    String currency();

    List<Pool> pools();

    default Optional<Pool> pool(String name) {
        return pools().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * The spot pool to run batch-on-spot work of a workload on {@code pool}: the named one, else
     * the pool named like it with {@code spot} for {@code on-demand} / {@code reserved}, else the
     * cheapest spot pool of the same family (the name up to its first '-').
     */
    default Optional<Pool> spotFor(String pool, String named) {
        if (named != null) {
            return pool(named);
        }
        Optional<Pool> twin = pool(pool.replace("on-demand", "spot").replace("reserved", "spot"));
        if (twin.isPresent() && twin.get().spot()) {
            return twin;
        }
        String family = pool.split("-", 2)[0].toLowerCase(Locale.ROOT);
        return pools().stream().filter(Pool::spot)
                .filter(p -> p.name().toLowerCase(Locale.ROOT).split("-", 2)[0].equals(family))
                .min((a, b) -> Double.compare(a.ratePerHour(1), b.ratePerHour(1)));
    }

    static PlanPrices of(String currency, List<Pool> pools) {
        List<Pool> copy = List.copyOf(pools);
        return new PlanPrices() {
            @Override
            public String currency() {
                return currency;
            }

            @Override
            public List<Pool> pools() {
                return copy;
            }
        };
    }
}
