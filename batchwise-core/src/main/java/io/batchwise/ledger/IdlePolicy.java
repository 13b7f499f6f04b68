package io.batchwise.ledger;

import java.util.Locale;
import java.util.Optional;

/**
 * Who pays for the time an instance is provisioned but runs nothing. Busy time is always paid
 * by the rows that used it; only idle time needs a policy.
 */
public enum IdlePolicy {
    /**
     * The interactive class pays all idle time: warm capacity exists so that someone waiting gets
     * an instant answer; deferred and bulk rows only fill the gaps it leaves.
     */
    INTERACTIVE,
    /** Idle time is shared by the classes in proportion to the busy time each used. */
    PROPORTIONAL,
    /** Idle time is nobody's: it is reported as its own line. */
    SEPARATE;

    /** Lower-case label used in the price sheet, the API and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy with this label (case-insensitive), or empty. */
    public static Optional<IdlePolicy> fromLabel(String label) {
        if (label != null) {
            for (IdlePolicy p : values()) {
                if (p.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
