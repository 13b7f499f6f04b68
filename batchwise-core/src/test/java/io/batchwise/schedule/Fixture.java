package io.batchwise.schedule;

import io.batchwise.model.BatchingConfig;
import io.batchwise.model.Device;
import io.batchwise.model.ModelConfig;
import io.batchwise.model.QueueConfig;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.ModelSignature;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ModelScheduler} driven by hand: the test passes every time, "executes" batches with a
 * fake model (every output element is its input element times a factor) and records what the
 * listener saw. No threads, no sleeps.
 */
final class Fixture {
    static final long MS = 1_000_000L;
    static final long US = 1_000L;

    /** The fake model: input FP32 [-1, -1]; outputs "double" (x2) and "negate" (x-1). */
    static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(new TensorSpec("input", DataType.FP32, new long[] {-1, -1})),
            List.of(new TensorSpec("double", DataType.FP32, new long[] {-1, -1}),
                    new TensorSpec("negate", DataType.FP32, new long[] {-1, -1})));

    final ModelScheduler scheduler;
    final Recorder listener = new Recorder();
    /** Every batch handed out by {@link #poll}, in order. */
    final List<Batch> batches = new ArrayList<>();
    private int nextId;

    Fixture(ModelConfig config) {
        this(config, 1);
    }

    Fixture(ModelConfig config, int instances) {
        this(config, instances, 0);
    }

    /** {@code instances} live instances, then {@code lanes} bulk-lane ones. */
    Fixture(ModelConfig config, int instances, int lanes) {
        scheduler = new ModelScheduler(config.name(), "1", config, SIGNATURE, instances, lanes, listener);
    }

    /** A config with the given policy and otherwise plain values; adjust with the withers below. */
    static Config config(BatchingConfig.Policy policy) {
        return new Config(policy);
    }

    /** Seeds t(n) = fixed + perRow * n for every power of two up to 128 (and 128 itself). */
    Fixture seedLatency(long fixedNanos, long perRowNanos) {
        for (int n = 1; n <= 128; n *= 2) {
            scheduler.latency().observe(n, fixedNanos + perRowNanos * n);
        }
        return this;
    }

    /** A request of {@code rows} rows of {@code cols} columns; row r holds values {@code first + r}. */
    InferenceRequest request(int rows, int cols, float first, Map<String, Object> parameters) {
        return request(rows, cols, first, parameters, List.of());
    }

    InferenceRequest request(int rows, int cols, float first, Map<String, Object> parameters, List<String> outputs) {
        float[] values = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                values[r * cols + c] = first + r + c / 100f;
            }
        }
        Tensor input = Tensor.ofFloats("input", new long[] {rows, cols}, values);
        return new InferenceRequest("r" + nextId++, List.of(input), outputs, parameters);
    }

    /** Admits a live request of {@code rows} x 4 with an explicit budget. */
    Pending live(int rows, long budgetNanos, long now) {
        return scheduler.admit(new Submission(request(rows, 4, 0, Map.of()), null, Duration.ofNanos(budgetNanos),
                null, null), now);
    }

    /** Admits bulk rows (x 4) of a job. */
    Pending bulk(int rows, long now) {
        return scheduler.admit(Submission.bulk(request(rows, 4, 0, Map.of()), "job-1"), now);
    }

    /** Forms batches at {@code now} and remembers them. */
    List<Batch> poll(long now) {
        List<Batch> out = scheduler.poll(now);
        batches.addAll(out);
        return out;
    }

    /** Runs a batch with the fake model from {@code start} to {@code end}, then completes futures. */
    void execute(Batch batch, long start, long end) {
        scheduler.complete(batch, run(batch), start, end);
        drain();
    }

    void drain() {
        scheduler.drainCompletions().forEach(Runnable::run);
    }

    /** The fake model's outputs for each slice of a batch, honouring the batch's output selection. */
    static List<List<Tensor>> run(Batch batch) {
        Set<String> wanted = batch.outputs();
        List<List<Tensor>> out = new ArrayList<>();
        for (Batch.Slice s : batch.slices) {
            Tensor in = s.pending().inputs(s.from(), s.count()).get(0);
            List<Tensor> outputs = new ArrayList<>();
            for (TensorSpec spec : SIGNATURE.outputs()) {
                if (wanted.isEmpty() || wanted.contains(spec.name())) {
                    outputs.add(transform(in, spec.name()));
                }
            }
            out.add(outputs);
        }
        return out;
    }

    /** What the fake model computes for an input tensor. */
    static Tensor transform(Tensor in, String output) {
        double[] v = in.toDoubles();
        float[] r = new float[v.length];
        float factor = output.equals("double") ? 2 : -1;
        for (int i = 0; i < v.length; i++) {
            r[i] = (float) v[i] * factor;
        }
        return Tensor.ofFloats(output, in.shape(), r);
    }

    /** Request ids in a batch, in slice order. */
    static List<String> ids(Batch b) {
        return b.slices.stream().map(s -> s.pending().request.id()).toList();
    }

    static Throwable failure(CompletableFuture<InferenceResponse> f) {
        if (!f.isCompletedExceptionally()) {
            throw new AssertionError("future is not failed: done=" + f.isDone());
        }
        return f.handle((r, e) -> e).join();
    }

    /** A listener that records everything. */
    static final class Recorder implements SchedulerListener {
        record Done(ServiceClass serviceClass, Outcome outcome, int rows, boolean met) {
        }

        record Reserve(ServiceClass serviceClass, double share) {
        }

        final List<RunRecord> runs = new CopyOnWriteArrayList<>();
        final List<Done> done = new CopyOnWriteArrayList<>();
        final List<Reserve> reserves = new CopyOnWriteArrayList<>();

        @Override
        public void onTailReserve(String model, ServiceClass serviceClass, double share) {
            reserves.add(new Reserve(serviceClass, share));
        }

        @Override
        public void onRun(RunRecord run) {
            runs.add(run);
        }

        @Override
        public void onRequestDone(String model, ServiceClass serviceClass, Outcome outcome, int rows, long queueNanos,
                                  long computeNanos, long totalNanos, boolean met) {
            done.add(new Done(serviceClass, outcome, rows, met));
        }
    }

    /** A mutable builder of a {@link ModelConfig} for tests. */
    static final class Config {
        private final BatchingConfig.Policy policy;
        private int maxBatchSize = 64;
        private Duration latencyTarget = Duration.ofMillis(100);
        private Duration maxQueueDelay = Duration.ofMillis(5);
        private List<Integer> preferred = List.of();
        private Duration deferredThreshold = Duration.ofSeconds(1);
        private int maxRows = 4096;
        private QueueConfig.TimeoutAction timeoutAction = QueueConfig.TimeoutAction.REJECT;

        private Config(BatchingConfig.Policy policy) {
            this.policy = policy;
        }

        Config maxBatchSize(int n) {
            maxBatchSize = n;
            return this;
        }

        Config latencyTarget(Duration d) {
            latencyTarget = d;
            return this;
        }

        Config maxQueueDelay(Duration d) {
            maxQueueDelay = d;
            return this;
        }

        Config preferred(Integer... sizes) {
            preferred = List.of(sizes);
            return this;
        }

        Config maxRows(int n) {
            maxRows = n;
            return this;
        }

        Config timeoutAction(QueueConfig.TimeoutAction a) {
            timeoutAction = a;
            return this;
        }

        ModelConfig build() {
            return new ModelConfig("m", maxBatchSize, 1, 1, Device.CPU, latencyTarget,
                    new BatchingConfig(policy, maxQueueDelay, preferred, deferredThreshold),
                    new QueueConfig(maxRows, timeoutAction), "cpu-on-demand", null);
        }

        Fixture fixture() {
            return new Fixture(build());
        }
    }
}
