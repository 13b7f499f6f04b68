package io.batchwise.demo;

import io.batchwise.ledger.CostLedger;
import io.batchwise.ledger.CostQuery;
import io.batchwise.ledger.CostReport.ClassCost;
import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.schedule.ServiceClass;

/**
 * One model's ledger account over a phase, read as the difference of two readings of the
 * ledger's running totals, taken when the phase starts and when it ends.
 *
 * <p>Why not a {@code from}/{@code to} query: the ledger keeps usage in one-minute buckets, so a
 * query's window is rounded to whole minutes, while a demo phase lasts seconds. Two readings of
 * the totals (each accrues every instance's time to the moment of the reading) bound the phase to
 * the nanosecond of the ledger's own clock, with the same numbers {@code /v1/cost} reports.
 */
final class LedgerWindow {
    private final CostLedger ledger;
    private final String model;
    private final ModelCost start;

    private LedgerWindow(CostLedger ledger, String model, ModelCost start) {
        this.ledger = ledger;
        this.model = model;
        this.start = start;
    }

    /** Takes the opening reading of {@code model}'s account. */
    static LedgerWindow open(CostLedger ledger, String model) {
        return new LedgerWindow(ledger, model, read(ledger, model));
    }

    /**
     * What happened on the model since the opening reading, charged to {@code cls}.
     *
     * @param onlyClass true when {@code cls} was the only work on the model in the window: it then
     *                  pays all the capacity it held, idle included (a deployment of its own);
     *                  false when it shared the model with live traffic: it pays its busy time
     *                  plus the idle time the price sheet's idle policy charges it
     */
    Usage close(ServiceClass cls, boolean onlyClass) {
        ModelCost end = read(ledger, model);
        ClassCost a = line(start, cls);
        ClassCost b = line(end, cls);
        double provisioned = end.provisionedSeconds() - start.provisionedSeconds();
        double busy = end.busySeconds() - start.busySeconds();
        long rows = b.rows() - a.rows();
        long runs = b.runs() - a.runs();
        double cost = onlyClass ? end.cost() - start.cost() : b.cost() - a.cost();
        return new Usage(model, cls, provisioned, busy, rows, runs, cost, end.cost() - start.cost());
    }

    private static ModelCost read(CostLedger ledger, String model) {
        return ledger.report(new CostQuery(model, null, null, null, null)).models().stream()
                .filter(m -> m.model().equals(model)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the ledger has no account for " + model));
    }

    private static ClassCost line(ModelCost m, ServiceClass c) {
        return m.serviceClass(c).orElse(new ClassCost(c, 0, 0, 0, 0, 0, 0, null));
    }

    /**
     * A phase's account.
     *
     * @param provisionedSeconds instance-seconds the model held in the window
     * @param busySeconds        of which it ran work (any class)
     * @param rows               rows of the class served
     * @param runs               runs that carried rows of the class
     * @param cost               what the class is charged (see {@link #close})
     * @param modelCost          what the model's capacity cost in the window, idle included
     */
    record Usage(String model, ServiceClass serviceClass, double provisionedSeconds, double busySeconds, long rows,
                 long runs, double cost, double modelCost) {
        double utilization() {
            return provisionedSeconds <= 0 ? 0 : Math.min(1, busySeconds / provisionedSeconds);
        }

        double costPer1k() {
            return rows == 0 ? Double.NaN : cost * 1000 / rows;
        }

        double rowsPerRun() {
            return runs == 0 ? 0 : (double) rows / runs;
        }
    }
}
