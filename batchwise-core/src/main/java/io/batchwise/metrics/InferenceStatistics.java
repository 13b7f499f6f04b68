package io.batchwise.metrics;

import io.batchwise.schedule.Outcome;
import io.batchwise.schedule.RunRecord;
import io.batchwise.schedule.SchedulerListener;
import io.batchwise.schedule.ServiceClass;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cumulative per-model statistics in the shape of Triton's statistics extension, collected from
 * scheduler events and served by {@code GET /v2/models/stats} and the gRPC ModelStatistics RPC.
 *
 * <p>How batchwise's events fill Triton's fields:
 * <ul>
 *   <li>{@code inference_count}: rows of successful requests (Triton counts each row of a batched
 *       request as one inference); {@code execution_count}: runs (ONNX Runtime executions; a run that
 *       failed counts too, as the scheduler reports runs without their outcome).
 *   <li>{@code success} / {@code fail}: requests that left the scheduler with a result / an error
 *       (refused at admission as queue full or deadline unreachable, expired in the queue, failed
 *       run, unload), with their arrival-to-completion time (0 for a refusal at admission).
 *       Requests that never reach a model's scheduler (invalid input, unknown model) are not
 *       counted, as Triton does not count them either.
 *   <li>{@code queue}: successful requests' arrival-to-last-run time; {@code compute_infer}: their
 *       time in runs.
 *   <li>A run is timed as a whole (input concatenation, execution and output slicing together),
 *       so that time is reported as {@code compute_infer}; {@code compute_input} and
 *       {@code compute_output} carry the same counts with 0 ns rather than invented splits.
 *   <li>{@code batch_stats}: per run size in rows, the runs and their time.
 * </ul>
 * Statistics are kept per model name, cumulative across reloads and unloads.
 */
public final class InferenceStatistics implements SchedulerListener {
    private final Clock clock;
    private final Map<String, ModelCounters> models = new ConcurrentHashMap<>();

    /** @param clock wall clock for {@code last_inference} (milliseconds since the epoch) */
    public InferenceStatistics(Clock clock) {
        this.clock = clock;
    }

    /** A count and cumulative nanoseconds (Triton's StatisticDuration). */
    public record CountAndNanos(long count, long nanos) {
        public static final CountAndNanos ZERO = new CountAndNanos(0, 0);
    }

    /** Runs of one size: how many and how long (Triton's InferBatchStatistics). */
    public record BatchStats(int batchSize, CountAndNanos computeInput, CountAndNanos computeInfer,
                             CountAndNanos computeOutput) {
    }

    /** A consistent copy of one model's statistics (Triton's ModelStatistics). */
    public record Snapshot(String model, long lastInferenceMillis, long inferenceCount, long executionCount,
                           CountAndNanos success, CountAndNanos fail, CountAndNanos queue,
                           CountAndNanos computeInput, CountAndNanos computeInfer, CountAndNanos computeOutput,
                           List<BatchStats> batchStats) {
        public Snapshot {
            batchStats = List.copyOf(batchStats);
        }
    }

    @Override
    public void onRun(RunRecord run) {
        models.computeIfAbsent(run.model(), k -> new ModelCounters()).run(run.rows(), run.durationNanos());
    }

    @Override
    public void onRequestDone(String model, ServiceClass serviceClass, Outcome outcome, int rows, long queueNanos,
                              long computeNanos, long totalNanos, boolean met) {
        models.computeIfAbsent(model, k -> new ModelCounters())
                .request(outcome == Outcome.SUCCESS, rows, queueNanos, computeNanos, totalNanos, clock.millis());
    }

    /** The statistics of a model; all zeros when it has seen no traffic. */
    public Snapshot snapshot(String model) {
        ModelCounters c = models.get(model);
        return c == null ? new ModelCounters().snapshot(model) : c.snapshot(model);
    }

    /** Mutable counters of one model; one monitor keeps every snapshot consistent. */
    private static final class ModelCounters {
        private long lastInference;
        private long inferences;
        private long executions;
        private long successCount;
        private long successNanos;
        private long failCount;
        private long failNanos;
        private long queueNanos;
        private long computeNanos;
        private final TreeMap<Integer, long[]> batches = new TreeMap<>();

        synchronized void run(int rows, long nanos) {
            executions++;
            long[] b = batches.computeIfAbsent(rows, k -> new long[2]);
            b[0]++;
            b[1] += nanos;
        }

        synchronized void request(boolean success, int rows, long queue, long compute, long total, long nowMillis) {
            lastInference = Math.max(lastInference, nowMillis);
            if (success) {
                inferences += rows;
                successCount++;
                successNanos += total;
                queueNanos += queue;
                computeNanos += compute;
            } else {
                failCount++;
                failNanos += total;
            }
        }

        synchronized Snapshot snapshot(String model) {
            List<BatchStats> sizes = new ArrayList<>();
            for (Map.Entry<Integer, long[]> e : batches.entrySet()) {
                long count = e.getValue()[0];
                sizes.add(new BatchStats(e.getKey(), new CountAndNanos(count, 0),
                        new CountAndNanos(count, e.getValue()[1]), new CountAndNanos(count, 0)));
            }
            return new Snapshot(model, lastInference, inferences, executions,
                    new CountAndNanos(successCount, successNanos), new CountAndNanos(failCount, failNanos),
                    new CountAndNanos(successCount, queueNanos), new CountAndNanos(successCount, 0),
                    new CountAndNanos(successCount, computeNanos), new CountAndNanos(successCount, 0), sizes);
        }
    }
}
