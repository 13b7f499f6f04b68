package io.batchwise.metrics;

import io.batchwise.schedule.Outcome;
import io.batchwise.schedule.RunRecord;
import io.batchwise.schedule.SchedulerListener;
import io.batchwise.schedule.ServiceClass;
import java.util.List;

/** Fans scheduler events out to several listeners (metrics, ledger, statistics). */
public final class CompositeListener implements SchedulerListener {
    private final List<SchedulerListener> listeners;

    public CompositeListener(List<SchedulerListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onInstanceStarted(String model, int instance, String pool, int slots, long nanos) {
        listeners.forEach(l -> l.onInstanceStarted(model, instance, pool, slots, nanos));
    }

    @Override
    public void onInstanceStopped(String model, int instance, long nanos) {
        listeners.forEach(l -> l.onInstanceStopped(model, instance, nanos));
    }

    @Override
    public void onRun(RunRecord run) {
        listeners.forEach(l -> l.onRun(run));
    }

    @Override
    public void onRequestDone(String model, ServiceClass cls, Outcome outcome, int rows, long queueNanos,
                              long computeNanos, long totalNanos, boolean met) {
        listeners.forEach(l -> l.onRequestDone(model, cls, outcome, rows, queueNanos, computeNanos, totalNanos, met));
    }

    @Override
    public void onTailReserve(String model, ServiceClass cls, double share) {
        listeners.forEach(l -> l.onTailReserve(model, cls, share));
    }
}
