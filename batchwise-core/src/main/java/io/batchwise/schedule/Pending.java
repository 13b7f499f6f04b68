package io.batchwise.schedule;

import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.Rows;
import io.batchwise.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A request inside the scheduler: its rows are taken into runs in order (possibly over several
 * runs) and the output pieces are reassembled by row offset. Guarded by the model scheduler's
 * lock.
 */
final class Pending {
    final InferenceRequest request;
    final long rows;
    final ServiceClass serviceClass;
    final long arrival;
    final long deadline;
    final String tag;
    final String jobId;
    final BucketKey bucket;
    final long seq;
    final CompletableFuture<InferenceResponse> future = new CompletableFuture<>();

    /** Rows already handed to runs. */
    long taken;
    /** Rows whose outputs came back. */
    long done;
    long lastRunStart;
    long computeNanos;
    boolean finished;
    private final TreeMap<Long, List<Tensor>> pieces = new TreeMap<>();

    Pending(InferenceRequest request, long rows, ServiceClass serviceClass, long arrival, long deadline, String tag,
            String jobId, BucketKey bucket, long seq) {
        this.request = request;
        this.rows = rows;
        this.serviceClass = serviceClass;
        this.arrival = arrival;
        this.deadline = deadline;
        this.tag = tag;
        this.jobId = jobId;
        this.bucket = bucket;
        this.seq = seq;
    }

    long remaining() {
        return rows - taken;
    }

    /** Inputs of rows {@code [from, from + count)}. */
    List<Tensor> inputs(long from, long count) {
        if (from == 0 && count == rows) {
            return request.inputs();
        }
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : request.inputs()) {
            out.add(Rows.slice(t, from, count));
        }
        return out;
    }

    /** Stores one run's outputs for rows starting at {@code from}; true when all rows are back. */
    boolean addPiece(long from, long count, List<Tensor> outputs) {
        pieces.put(from, outputs);
        done += count;
        return done == rows;
    }

    /**
     * The outputs of all pieces concatenated in row order, restricted to the requested ones.
     * Pieces are matched by output name, not position: runs shared with other requests may have
     * computed more outputs than this request's own runs.
     */
    List<Tensor> assemble() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor first : pieces.firstEntry().getValue()) {
            String name = first.name();
            if (!request.outputs().isEmpty() && !request.outputs().contains(name)) {
                continue;
            }
            List<Tensor> parts = new ArrayList<>();
            for (List<Tensor> piece : pieces.values()) {
                parts.add(named(piece, name));
            }
            out.add(Rows.concat(parts));
        }
        if (!request.outputs().isEmpty()) {
            out.sort((a, b) -> Integer.compare(request.outputs().indexOf(a.name()), request.outputs().indexOf(b.name())));
        }
        return out;
    }

    private static Tensor named(List<Tensor> piece, String name) {
        for (Tensor t : piece) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("a run returned no output '" + name + "'");
    }
}
