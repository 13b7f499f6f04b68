package io.batchwise.ledger;

import io.batchwise.schedule.ServiceClass;
import io.batchwise.tensor.InvalidInput;
import java.time.Instant;

/**
 * What a cost report covers. Every field may be null: all models, all classes, since the first
 * record, until now, the price sheet's idle policy.
 *
 * @param from inclusive; rounded down to the ledger's bucket (a minute by default)
 * @param to   exclusive; rounded up to the ledger's bucket, and never past now
 */
public record CostQuery(String model, ServiceClass serviceClass, Instant from, Instant to, IdlePolicy idlePolicy) {
    public CostQuery {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidInput("from (" + from + ") must be before to (" + to + ")");
        }
    }

    /** Everything, all time, with the sheet's idle policy. */
    public static CostQuery all() {
        return new CostQuery(null, null, null, null, null);
    }
}
