package io.batchwise.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The garbage-collection pauses of this JVM over a span of a benchmark, from the collectors'
 * notifications: a pause stops live requests as well, so a probe's p99 can rest on one. Only
 * stop-the-world collections count (G1's young, mixed and full ones); concurrent cycles do not
 * stop the application. Durations are whole milliseconds, as the JVM reports them.
 */
final class GcPauses implements AutoCloseable {
    private static final List<GcPauses> OPEN = new CopyOnWriteArrayList<>();

    static {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter && !gc.getName().contains("Concurrent")) {
                emitter.addNotificationListener((n, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        long ms = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                                .getGcInfo().getDuration();
                        OPEN.forEach(w -> w.add(ms));
                    }
                }, null, null);
            }
        }
    }

    private int count;
    private long totalMs;
    private long longestMs;

    private GcPauses() {
    }

    /** Starts counting the pauses from now until {@link #close()}. */
    static GcPauses start() {
        GcPauses w = new GcPauses();
        OPEN.add(w);
        return w;
    }

    synchronized void add(long ms) {
        count++;
        totalMs += ms;
        longestMs = Math.max(longestMs, ms);
    }

    synchronized int count() {
        return count;
    }

    synchronized long longestMs() {
        return longestMs;
    }

    synchronized long totalMs() {
        return totalMs;
    }

    /** Stops counting; what was counted stays readable. */
    @Override
    public void close() {
        OPEN.remove(this);
    }

    /** "3 GC pauses, longest 12 ms, 20 ms in all". */
    @Override
    public synchronized String toString() {
        return String.format(Locale.ROOT, "%d GC pause%s, longest %d ms, %d ms in all", count, count == 1 ? "" : "s",
                longestMs, totalMs);
    }
}
