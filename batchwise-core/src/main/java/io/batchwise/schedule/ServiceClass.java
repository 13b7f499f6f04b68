package io.batchwise.schedule;

import java.util.Locale;

/** How urgently a request's rows are served; priority in declaration order. */
public enum ServiceClass {
    /** Someone is waiting: ms to ~1 s budgets, micro-batched. */
    INTERACTIVE,
    /** Near-real-time: budgets of seconds to minutes, larger batches, lower priority. */
    DEFERRED,
    /** Offline batch rows (jobs): no live deadline, fills capacity the others leave idle. */
    BULK;

    /** Lower-case label used in metrics, APIs and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
