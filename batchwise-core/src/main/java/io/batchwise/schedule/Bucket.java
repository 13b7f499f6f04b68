package io.batchwise.schedule;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * The queues of one shape bucket: interactive and deferred rows earliest-deadline-first, bulk
 * rows first-in-first-out. Also this bucket's arrival rate.
 */
final class Bucket {
    private static final Comparator<Pending> EDF =
            Comparator.<Pending>comparingLong(p -> p.deadline).thenComparingLong(p -> p.seq);

    final BucketKey key;
    final PriorityQueue<Pending> interactive = new PriorityQueue<>(EDF);
    final PriorityQueue<Pending> deferred = new PriorityQueue<>(EDF);
    final Deque<Pending> bulk = new ArrayDeque<>();
    final ArrivalRate rate;
    long liveRows;
    long bulkRows;

    Bucket(BucketKey key, long rateTauNanos) {
        this.key = key;
        this.rate = new ArrivalRate(rateTauNanos);
    }

    void add(Pending p) {
        switch (p.serviceClass) {
            case INTERACTIVE -> interactive.add(p);
            case DEFERRED -> deferred.add(p);
            case BULK -> bulk.add(p);
        }
        if (p.serviceClass == ServiceClass.BULK) {
            bulkRows += p.remaining();
        } else {
            liveRows += p.remaining();
        }
    }

    /** The live request with the earliest deadline, or null. */
    Pending firstLive() {
        Pending i = interactive.peek();
        Pending d = deferred.peek();
        if (i == null) {
            return d;
        }
        return d == null || i.deadline <= d.deadline ? i : d;
    }

    /** Arrival time of the oldest live request, or Long.MAX_VALUE. */
    long oldestLiveArrival() {
        long oldest = Long.MAX_VALUE;
        for (Pending p : interactive) {
            oldest = Math.min(oldest, p.arrival);
        }
        for (Pending p : deferred) {
            oldest = Math.min(oldest, p.arrival);
        }
        return oldest;
    }

    boolean isEmpty() {
        return interactive.isEmpty() && deferred.isEmpty() && bulk.isEmpty();
    }

    /** Takes up to {@code max} rows from a queue, head first, into the batch. */
    static long take(java.util.Queue<Pending> queue, Batch batch, long max, Bucket owner) {
        long got = 0;
        while (got < max && !queue.isEmpty()) {
            Pending p = queue.peek();
            long n = Math.min(p.remaining(), max - got);
            batch.add(p, n);
            got += n;
            if (p.remaining() == 0) {
                queue.poll();
            }
        }
        if (queue == owner.bulk) {
            owner.bulkRows -= got;
        } else {
            owner.liveRows -= got;
        }
        return got;
    }
}
