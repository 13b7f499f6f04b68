package io.batchwise.ledger;

import io.batchwise.schedule.RunRecord;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;

/** A hand-driven ticker and a wall clock pinned at {@link #START}, plus run record helpers. */
final class FakeTime implements Ticker {
    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    static final long SECOND = 1_000_000_000L;

    long now = 5 * SECOND;

    @Override
    public long read() {
        return now;
    }

    Clock clock() {
        return Clock.fixed(START, ZoneOffset.UTC);
    }

    void advanceSeconds(double s) {
        now += (long) (s * SECOND);
    }

    /** A run that starts now, lasts {@code seconds}, and moves the clock to its end. */
    RunRecord run(String model, int instance, double seconds, int interactive, int deferred, int bulk) {
        return run(model, instance, seconds, classes(interactive, deferred, bulk), Map.of(), Map.of());
    }

    RunRecord run(String model, int instance, double seconds, Map<ServiceClass, Integer> byClass,
                  Map<String, Integer> byTag, Map<String, Integer> byJob) {
        long start = now;
        advanceSeconds(seconds);
        int rows = byClass.values().stream().mapToInt(Integer::intValue).sum();
        return new RunRecord(model, instance, start, now, rows, byClass, byTag, byJob, "test");
    }

    static Map<ServiceClass, Integer> classes(int interactive, int deferred, int bulk) {
        Map<ServiceClass, Integer> m = new EnumMap<>(ServiceClass.class);
        if (interactive > 0) {
            m.put(ServiceClass.INTERACTIVE, interactive);
        }
        if (deferred > 0) {
            m.put(ServiceClass.DEFERRED, deferred);
        }
        if (bulk > 0) {
            m.put(ServiceClass.BULK, bulk);
        }
        return m;
    }
}
