package io.batchwise.ledger;

import io.batchwise.schedule.RunRecord;
import io.batchwise.schedule.ServiceClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One account's usage in time buckets, plus all-time totals. Provisioned time accrues from
 * start to stop; each run's busy time is split over the buckets it spans and, within a bucket,
 * over its classes by rows (remainder nanoseconds to the class with the most rows, so the parts
 * add up exactly). Guarded by its own monitor: runs of different instances never contend.
 */
final class InstanceAccount {
    final AccountKey key;
    private final TimeBase time;
    private final TreeMap<Long, Cell> cells = new TreeMap<>();
    private final Cell total = new Cell(Long.MIN_VALUE);
    private final List<Cell> dirty = new ArrayList<>();
    private Cell last;
    private boolean live;
    private long startedAt = Long.MIN_VALUE;
    private long accruedUntil = Long.MIN_VALUE;

    InstanceAccount(AccountKey key, TimeBase time) {
        this.key = key;
        this.time = time;
    }

    /** The instance is up from ticker time {@code t} (a restart continues the same account). */
    synchronized void start(long t) {
        if (live) {
            advance(t);
            return;
        }
        live = true;
        startedAt = t;
        accruedUntil = t;
    }

    synchronized void stop(long t) {
        if (live) {
            advance(t);
            live = false;
        }
    }

    /** Accrues provisioned time of a live instance up to ticker time {@code t}. */
    synchronized void advanceTo(long t) {
        if (live) {
            advance(t);
        }
    }

    private void advance(long t) {
        while (accruedUntil < t) {
            Cell c = cell(time.bucketOf(accruedUntil));
            long pieceEnd = Math.min(t, time.tickerAtBucketStart(c.bucket + 1));
            c.provisionedNanos += pieceEnd - accruedUntil;
            total.provisionedNanos += pieceEnd - accruedUntil;
            touch(c);
            accruedUntil = pieceEnd;
        }
    }

    /** Records a run; its time is clipped to the instance's provisioned life. */
    synchronized void record(RunRecord run) {
        long end = Math.max(run.endNanos(), run.startNanos());
        if (live) {
            advance(end);
        } else {
            end = Math.min(end, accruedUntil);
        }
        long start = Math.min(Math.max(run.startNanos(), startedAt), end);
        for (long t = start; t < end; ) {
            Cell c = cell(time.bucketOf(t));
            long pieceEnd = Math.min(end, time.tickerAtBucketStart(c.bucket + 1));
            addBusy(c, pieceEnd - t, run);
            t = pieceEnd;
        }
        Cell c = cell(time.bucketOf(end > start ? end - 1 : end));
        countRows(c, run);
        countRows(total, run);
        touch(c);
    }

    private void addBusy(Cell c, long piece, RunRecord run) {
        long n = run.rows();
        if (n <= 0) {
            return;
        }
        long assigned = 0;
        long classRows = 0;
        int top = -1;
        long topRows = -1;
        for (Map.Entry<ServiceClass, Integer> e : run.rowsByClass().entrySet()) {
            int k = e.getKey().ordinal();
            long r = e.getValue();
            long share = Cell.mulDiv(piece, r, n);
            c.busyNanos[k] += share;
            total.busyNanos[k] += share;
            assigned += share;
            classRows += r;
            if (r > topRows || (r == topRows && k < top)) {
                top = k;
                topRows = r;
            }
        }
        if (top >= 0 && classRows == n) {
            c.busyNanos[top] += piece - assigned;
            total.busyNanos[top] += piece - assigned;
        }
        for (Map.Entry<String, Integer> e : run.rowsByTag().entrySet()) {
            long share = Cell.mulDiv(piece, e.getValue(), n);
            c.addKey(true, e.getKey(), 0, share);
            total.addKey(true, e.getKey(), 0, share);
        }
        for (Map.Entry<String, Integer> e : run.rowsByJob().entrySet()) {
            long share = Cell.mulDiv(piece, e.getValue(), n);
            c.addKey(false, e.getKey(), 0, share);
            total.addKey(false, e.getKey(), 0, share);
        }
        touch(c);
    }

    private static void countRows(Cell c, RunRecord run) {
        c.rows += run.rows();
        c.runs++;
        for (Map.Entry<ServiceClass, Integer> e : run.rowsByClass().entrySet()) {
            c.classRows[e.getKey().ordinal()] += e.getValue();
            c.classRuns[e.getKey().ordinal()]++;
        }
        for (Map.Entry<String, Integer> e : run.rowsByTag().entrySet()) {
            c.addKey(true, e.getKey(), e.getValue(), 0);
        }
        for (Map.Entry<String, Integer> e : run.rowsByJob().entrySet()) {
            c.addKey(false, e.getKey(), e.getValue(), 0);
        }
    }

    private Cell cell(long bucket) {
        if (last != null && last.bucket == bucket) {
            return last;
        }
        last = cells.computeIfAbsent(bucket, Cell::new);
        return last;
    }

    private void touch(Cell c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    /** Usage summed over buckets {@code [fromBucket, toBucket)}; the all-time totals when unbounded. */
    synchronized Cell window(long fromBucket, long toBucket) {
        Cell sum = new Cell(fromBucket);
        if (fromBucket == Long.MIN_VALUE && toBucket == Long.MAX_VALUE) {
            sum.add(total);
            return sum;
        }
        for (Cell c : cells.subMap(fromBucket, true, toBucket, false).values()) {
            sum.add(c);
        }
        return sum;
    }

    /** The first bucket holding any usage, or {@code Long.MAX_VALUE}. */
    synchronized long firstBucket() {
        return cells.isEmpty() ? Long.MAX_VALUE : cells.firstKey();
    }

    /** Persistable rows of every bucket changed since the last drain; the cells count as clean. */
    synchronized List<UsageRow> drainDirty() {
        List<UsageRow> rows = new ArrayList<>();
        for (Cell c : dirty) {
            c.dirty = false;
            long ms = time.bucketStartMillis(c.bucket);
            rows.add(row(ms, UsageRow.INSTANCE, "", c.rows, c.runs, c.provisionedNanos));
            for (ServiceClass sc : ServiceClass.values()) {
                int k = sc.ordinal();
                if (c.classRows[k] != 0 || c.classRuns[k] != 0 || c.busyNanos[k] != 0) {
                    rows.add(row(ms, UsageRow.CLASS, sc.label(), c.classRows[k], c.classRuns[k], c.busyNanos[k]));
                }
            }
            if (c.tags != null) {
                c.tags.forEach((tag, v) -> rows.add(row(ms, UsageRow.TAG, tag, v[0], 0, v[1])));
            }
            if (c.jobs != null) {
                c.jobs.forEach((job, v) -> rows.add(row(ms, UsageRow.JOB, job, v[0], 0, v[1])));
            }
        }
        dirty.clear();
        return rows;
    }

    /** Marks every bucket of the given rows dirty again (their save failed). */
    synchronized void redirty(List<UsageRow> rows) {
        for (UsageRow r : rows) {
            touch(cell(time.bucketOfMillis(r.bucketStartMillis())));
        }
    }

    private UsageRow row(long ms, String dimension, String k, long rows, long runs, long nanos) {
        return new UsageRow(ms, key.model(), key.instance(), key.pool(), key.slots(), key.ratePerHour(),
                key.category() == null ? null : key.category().label(), dimension, k, rows, runs, nanos);
    }

    /** Adds a persisted row (history from an earlier run of the server). */
    synchronized void load(UsageRow r) {
        Cell c = cell(time.bucketOfMillis(r.bucketStartMillis()));
        switch (r.dimension()) {
            case UsageRow.INSTANCE -> {
                c.rows += r.rows();
                c.runs += r.runs();
                c.provisionedNanos += r.nanos();
                total.rows += r.rows();
                total.runs += r.runs();
                total.provisionedNanos += r.nanos();
            }
            case UsageRow.CLASS -> {
                int k = ServiceClass.valueOf(r.key().toUpperCase(java.util.Locale.ROOT)).ordinal();
                c.classRows[k] += r.rows();
                c.classRuns[k] += r.runs();
                c.busyNanos[k] += r.nanos();
                total.classRows[k] += r.rows();
                total.classRuns[k] += r.runs();
                total.busyNanos[k] += r.nanos();
            }
            case UsageRow.TAG, UsageRow.JOB -> {
                boolean tag = r.dimension().equals(UsageRow.TAG);
                c.addKey(tag, r.key(), r.rows(), r.nanos());
                total.addKey(tag, r.key(), r.rows(), r.nanos());
            }
            default -> throw new IllegalStateException("unknown ledger dimension " + r.dimension());
        }
    }
}
