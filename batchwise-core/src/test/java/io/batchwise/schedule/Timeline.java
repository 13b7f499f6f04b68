package io.batchwise.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.IntToLongFunction;
import java.util.function.LongConsumer;

/**
 * A simulated timeline around a {@link Fixture}: arrivals at chosen times, runs that take a
 * known service time, and a poll at every event and at every {@code wakeAt} the scheduler asks
 * for. Time only moves when the test says so, so whole traffic scenarios stay deterministic.
 */
final class Timeline {
    private record Run(long end, long start, Batch batch) {
    }

    private final Fixture fixture;
    private final IntToLongFunction serviceNanos;
    private final TreeMap<Long, List<LongConsumer>> arrivals = new TreeMap<>();
    private final PriorityQueue<Run> running = new PriorityQueue<>((a, b) -> Long.compare(a.end, b.end));
    /** Start and end of every run, in start order. */
    final List<long[]> runTimes = new ArrayList<>();
    long now;

    /** @param serviceNanos the true duration of a run of n rows */
    Timeline(Fixture fixture, IntToLongFunction serviceNanos) {
        this.fixture = fixture;
        this.serviceNanos = serviceNanos;
    }

    /** Something that happens at {@code time} (an admission, usually); it gets the time. */
    Timeline at(long time, LongConsumer arrival) {
        arrivals.computeIfAbsent(time, t -> new ArrayList<>()).add(arrival);
        return this;
    }

    /** Runs events until nothing is left to do or {@code limit} is reached. */
    void run(long limit) {
        step(now);
        while (true) {
            long next = Long.MAX_VALUE;
            if (!arrivals.isEmpty()) {
                next = arrivals.firstKey();
            }
            if (!running.isEmpty()) {
                next = Math.min(next, running.peek().end);
            }
            next = Math.min(next, fixture.scheduler.wakeAt());
            if (next == Long.MAX_VALUE || next > limit) {
                return;
            }
            now = Math.max(now, next);
            step(now);
        }
    }

    private void step(long t) {
        while (!running.isEmpty() && running.peek().end <= t) {
            Run r = running.poll();
            fixture.execute(r.batch, r.start, r.end);
        }
        while (!arrivals.isEmpty() && arrivals.firstKey() <= t) {
            for (LongConsumer a : arrivals.pollFirstEntry().getValue()) {
                a.accept(t);
            }
        }
        for (Batch b : fixture.poll(t)) {
            long end = t + serviceNanos.applyAsLong(b.rows);
            running.add(new Run(end, t, b));
            runTimes.add(new long[] {t, end});
        }
        fixture.drain();
    }
}
