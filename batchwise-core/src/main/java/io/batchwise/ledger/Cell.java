package io.batchwise.ledger;

import io.batchwise.schedule.ServiceClass;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * Usage of one account in one time bucket (or over a whole window, when cells are summed):
 * provisioned nanoseconds, and per class the busy nanoseconds, rows and runs. Client tags and
 * batch jobs keep {rows, busy nanoseconds} each. Not thread-safe: its account guards it.
 */
final class Cell {
    static final int CLASSES = ServiceClass.values().length;

    final long bucket;
    long provisionedNanos;
    long rows;
    long runs;
    final long[] busyNanos = new long[CLASSES];
    final long[] classRows = new long[CLASSES];
    final long[] classRuns = new long[CLASSES];
    Map<String, long[]> tags;
    Map<String, long[]> jobs;
    boolean dirty;

    Cell(long bucket) {
        this.bucket = bucket;
    }

    long busyNanos() {
        long sum = 0;
        for (long b : busyNanos) {
            sum += b;
        }
        return sum;
    }

    /** Idle nanoseconds: provisioned time no run used. */
    long idleNanos() {
        return provisionedNanos - busyNanos();
    }

    void addKey(boolean tag, String key, long keyRows, long keyBusy) {
        Map<String, long[]> m;
        if (tag) {
            m = tags == null ? tags = new HashMap<>() : tags;
        } else {
            m = jobs == null ? jobs = new HashMap<>() : jobs;
        }
        long[] v = m.computeIfAbsent(key, k -> new long[2]);
        v[0] += keyRows;
        v[1] += keyBusy;
    }

    /** Adds another cell's usage into this one. */
    void add(Cell other) {
        provisionedNanos += other.provisionedNanos;
        rows += other.rows;
        runs += other.runs;
        for (int c = 0; c < CLASSES; c++) {
            busyNanos[c] += other.busyNanos[c];
            classRows[c] += other.classRows[c];
            classRuns[c] += other.classRuns[c];
        }
        if (other.tags != null) {
            other.tags.forEach((k, v) -> addKey(true, k, v[0], v[1]));
        }
        if (other.jobs != null) {
            other.jobs.forEach((k, v) -> addKey(false, k, v[0], v[1]));
        }
    }

    /** {@code floor(a * b / c)} for non-negative values, exact even when {@code a * b} overflows. */
    static long mulDiv(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            return lo / c;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
    }
}
