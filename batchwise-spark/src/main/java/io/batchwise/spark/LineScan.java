package io.batchwise.spark;

import io.batchwise.jobs.InputLine;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;

/**
 * One partition's pass over a JSONL input before scoring: it counts the partition's lines
 * (physical ones, for the "line N" of messages, and requests, for the ids), parses every request
 * line as the Batches API validates it, hands out the valid lines' {@code custom_id}s (for the
 * shuffle that finds repeats) and keeps the first few invalid lines. Line numbers here are
 * relative to the partition; the driver makes them absolute once every partition has reported.
 */
final class LineScan implements Iterator<Tuple2<String, long[]>> {
    /** Invalid lines kept per partition; the job reports at most this many anyway. */
    static final int KEPT_INVALID = 10;

    /**
     * What a partition reported.
     *
     * @param invalid the first invalid lines: relative line number and bytes
     */
    record Report(int partition, long physical, long requests, List<Invalid> invalid) implements Serializable {
    }

    /** An invalid line, by its number relative to its partition's first line (1-based). */
    record Invalid(long line, byte[] bytes) implements Serializable {
    }

    private final int partition;
    private final Iterator<byte[]> lines;
    private final String endpoint;
    private final CollectionAccumulator<Report> reports;
    private final List<Invalid> invalid = new ArrayList<>();
    private Tuple2<String, long[]> next;
    private long physical;
    private long requests;
    private boolean reported;

    LineScan(int partition, Iterator<byte[]> lines, String endpoint, CollectionAccumulator<Report> reports) {
        this.partition = partition;
        this.lines = lines;
        this.endpoint = endpoint;
        this.reports = reports;
    }

    @Override
    public boolean hasNext() {
        while (next == null && lines.hasNext()) {
            byte[] line = lines.next();
            physical++;
            if (LineScorer.blank(line)) {
                continue;
            }
            requests++;
            try {
                next = new Tuple2<>(InputLine.check(line, LineScorer.utf8(line), physical, endpoint),
                        new long[] {1, partition, physical});
            } catch (InputLine.Invalid e) {
                if (invalid.size() < KEPT_INVALID) {
                    invalid.add(new Invalid(physical, line));
                }
            }
        }
        if (next == null && !reported) {
            reported = true;
            reports.add(new Report(partition, physical, requests, List.copyOf(invalid)));
        }
        return next != null;
    }

    @Override
    public Tuple2<String, long[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Tuple2<String, long[]> out = next;
        next = null;
        return out;
    }

    /** Merges two {@code [count, partition, line]} of one custom_id: the count and the first line. */
    static long[] merge(long[] a, long[] b) {
        boolean aFirst = a[1] < b[1] || (a[1] == b[1] && a[2] <= b[2]);
        long[] first = aFirst ? a : b;
        return new long[] {a[0] + b[0], first[1], first[2]};
    }
}
