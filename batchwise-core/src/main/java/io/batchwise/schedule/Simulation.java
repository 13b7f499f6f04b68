package io.batchwise.schedule;

import io.batchwise.model.ModelConfig;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.ModelSignature;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Runs batchwise's own scheduling state machine ({@link ModelScheduler}: admission, the
 * policies, shedding, the online latency model) in virtual time, with a given service-time
 * function in place of ONNX Runtime. The planner uses it to size live capacity by what the
 * scheduler really does rather than by averages.
 *
 * <h2>Design</h2>
 * A discrete-event loop over three event kinds: the next Poisson arrival, the earliest run
 * completion, and the scheduler's own {@link ModelScheduler#wakeAt()} (a planned wait ending).
 * Completions at a time are handled before arrivals at the same time, as a free instance is
 * what a new arrival would find. After every event the scheduler is polled, exactly as the
 * threaded {@code ModelWorker} does, and every batch it returns gets a completion at
 * {@code now + service(rows)}. The latency model is seeded with runs of 1, 2, 4 ... max rows,
 * as the worker's warm-up seeds it but as many per size as the model keeps (steady state), and
 * then learns from the simulated runs.
 * Requests carry one FP32 column; outputs are zero tensors of the same shape. The first tenth
 * of the arrivals warms the queues up and is not measured; after the last measured arrival the
 * Poisson stream goes on (unmeasured) until every measured request has left, since a stream that
 * stopped would strand the last requests in a policy that waits for more rows.
 */
public final class Simulation {
    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 1})),
            List.of(new TensorSpec("y", DataType.FP32, new long[] {-1, 1})));

    /** The service time of one run of {@code rows} rows, in nanoseconds; it may draw from {@code random}. */
    @FunctionalInterface
    public interface ServiceTime {
        long nanos(int rows, SplittableRandom random);
    }

    /**
     * One simulated load: Poisson arrivals of equal-sized requests.
     *
     * @param requestsPerSecond arrival rate
     * @param rowsPerRequest    rows in each request
     * @param budget            each request's latency budget (its deadline = arrival + budget)
     * @param serviceClass      interactive or deferred
     * @param requests          arrivals to simulate (the first tenth is warm-up)
     * @param seed              random seed (arrivals and service times)
     */
    public record Load(double requestsPerSecond, int rowsPerRequest, Duration budget, ServiceClass serviceClass,
                       long requests, long seed) {
        public Load {
            if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
                throw new IllegalArgumentException("requestsPerSecond must be > 0 (got " + requestsPerSecond + ")");
            }
            if (rowsPerRequest < 1 || requests < 10 || budget == null || budget.isNegative() || budget.isZero()) {
                throw new IllegalArgumentException("need rowsPerRequest >= 1, requests >= 10 and a budget > 0");
            }
            if (serviceClass == null || serviceClass == ServiceClass.BULK) {
                throw new IllegalArgumentException("serviceClass must be interactive or deferred");
            }
        }
    }

    /**
     * What a simulation measured over its requests after warm-up.
     *
     * @param measured      requests measured (arrived after warm-up)
     * @param shed          of those, rejected at admission or expired in the queue
     * @param p50Seconds    latency quantiles of the completed ones (arrival to completion)
     * @param p99AllSeconds p99 over all measured requests with shed ones counted as infinitely
     *                      late: infinite when more than 1% were shed
     * @param meanQueueSeconds mean time from arrival to the start of the request's run
     * @param utilization   busy instance time / provisioned instance time over the measured span
     * @param meanBatchRows mean rows per run over the measured span
     * @param virtualSeconds the measured span in virtual time
     */
    public record Result(long measured, long shed, double p50Seconds, double p90Seconds, double p99Seconds,
                         double meanSeconds, double p99AllSeconds, double meanQueueSeconds, double utilization,
                         double meanBatchRows, long runs, double virtualSeconds) {
        public double shedFraction() {
            return measured == 0 ? 0 : (double) shed / measured;
        }
    }

    private Simulation() {
    }

    /**
     * Simulates {@code load} on a model with {@code config}'s policy, batch limit and queue, and
     * {@code instances} instances whose runs take {@code service}.
     */
    public static Result run(ModelConfig config, int instances, ServiceTime service, Load load) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be >= 1 (got " + instances + ")");
        }
        return new Loop(config, instances, service, load).run();
    }

    private static final class Loop implements SchedulerListener {
        private final ModelScheduler state;
        private final ServiceTime service;
        private final Load load;
        private final int instances;
        private final SplittableRandom random;
        private final PriorityQueue<Running> running =
                new PriorityQueue<>((a, b) -> a.end != b.end ? Long.compare(a.end, b.end) : Long.compare(a.seq, b.seq));
        private final Map<Integer, List<Tensor>> outputs = new HashMap<>();
        private long now;
        private long runSeq;
        private long measureFrom = Long.MAX_VALUE;
        private long measureTo = Long.MAX_VALUE;
        private final long[] latencies;
        private int completed;
        private long shed;
        private long outstanding;
        private double queueSum;
        private long busyNanos;
        private long runRows;
        private long runs;

        private record Running(Batch batch, long start, long end, long seq) {
        }

        Loop(ModelConfig config, int instances, ServiceTime service, Load load) {
            this.state = new ModelScheduler(config.name(), "1", config, SIGNATURE, instances, this);
            this.service = service;
            this.load = load;
            this.instances = instances;
            this.random = new SplittableRandom(load.seed());
            this.latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, load.requests())];
            seedLatencyModel(config.maxBatchSize());
        }

        /**
         * Fills the latency model as a scheduler in steady state has it: as many runs per size
         * class as it keeps (32). A real server starts from three warm-up runs per size and
         * instance; planning for steady state keeps one unlucky draw from deciding a plan.
         */
        private void seedLatencyModel(int max) {
            for (int i = 0; i < 32; i++) {
                for (int n = 1; ; n = Math.min(max, n * 2)) {
                    state.latency().observe(n, Math.max(1, service.nanos(n, random)));
                    if (n == max) {
                        break;
                    }
                }
            }
        }

        Result run() {
            InferenceRequest request = new InferenceRequest("sim", List.of(Tensor.of("x", DataType.FP32,
                    new long[] {load.rowsPerRequest(), 1}, ByteBuffer.allocate(4 * load.rowsPerRequest()))),
                    List.of(), Map.of());
            Submission submission = new Submission(request, load.serviceClass(), load.budget(), null, null);
            double meanGap = 1e9 / load.requestsPerSecond();
            long warmUp = load.requests() / 10;
            long extraLimit = 4 * load.requests();
            long arrived = 0;
            double nextArrival = 0;
            long lastArrival = 0;
            while (true) {
                boolean more = arrived < load.requests() || (outstanding > 0 && arrived < load.requests() + extraLimit);
                long arrival = more ? (long) nextArrival : Long.MAX_VALUE;
                long completion = running.isEmpty() ? Long.MAX_VALUE : running.peek().end;
                long wake = state.wakeAt();
                long next = Math.min(arrival, Math.min(completion, wake));
                if (next == Long.MAX_VALUE) {
                    break;
                }
                now = Math.max(now, next);
                if (completion <= now) {
                    Running r = running.poll();
                    state.complete(r.batch, outputsOf(r.batch), r.start, r.end);
                } else if (arrival <= now) {
                    if (arrived == warmUp) {
                        measureFrom = now;
                    }
                    if (arrived < load.requests()) {
                        lastArrival = now;
                        if (arrived >= warmUp) {
                            outstanding++;
                        }
                    }
                    arrived++;
                    admit(submission);
                    nextArrival += -Math.log(1 - random.nextDouble()) * meanGap;
                    if (arrived == load.requests()) {
                        measureTo = now;
                    }
                }
                state.drainCompletions().forEach(Runnable::run);
                for (Batch b : state.poll(now)) {
                    long t = Math.max(1, service.nanos(b.rows, random));
                    running.add(new Running(b, now, now + t, runSeq++));
                }
                state.drainCompletions().forEach(Runnable::run);
            }
            return result(Math.max(1, lastArrival - measureFrom));
        }

        private void admit(Submission s) {
            try {
                state.admit(s, now);
            } catch (Overloaded | DeadlineExceeded e) {
                // counted by onRequestDone(REJECTED)
            }
        }

        private List<List<Tensor>> outputsOf(Batch b) {
            List<List<Tensor>> out = new ArrayList<>(b.slices.size());
            for (Batch.Slice s : b.slices) {
                out.add(outputs.computeIfAbsent((int) s.count(), n -> List.of(Tensor.of("y", DataType.FP32,
                        new long[] {n, 1}, ByteBuffer.allocate(4 * n)))));
            }
            return out;
        }

        private boolean measuring(long arrival) {
            return arrival >= measureFrom && arrival <= measureTo;
        }

        @Override
        public void onRequestDone(String model, ServiceClass cls, Outcome outcome, int rows, long queueNanos,
                                  long computeNanos, long totalNanos, boolean met) {
            if (!measuring(now - totalNanos)) {
                return;
            }
            outstanding--;
            if (outcome == Outcome.SUCCESS) {
                latencies[completed++] = totalNanos;
                queueSum += queueNanos;
            } else {
                shed++;
            }
        }

        @Override
        public void onRun(RunRecord run) {
            if (run.startNanos() >= measureFrom && run.startNanos() <= measureTo) {
                busyNanos += run.durationNanos();
                runRows += run.rows();
                runs++;
            }
        }

        private Result result(long span) {
            long[] sorted = Arrays.copyOf(latencies, completed);
            Arrays.sort(sorted);
            long measured = completed + shed;
            double p99All;
            if (measured == 0) {
                p99All = 0;
            } else if (shed > 0.01 * measured) {
                p99All = Double.POSITIVE_INFINITY;
            } else {
                int index = (int) Math.min(completed - 1L, (long) Math.ceil(0.99 * measured) - 1);
                p99All = index < 0 ? 0 : sorted[index] / 1e9;
            }
            double mean = 0;
            for (long v : sorted) {
                mean += v;
            }
            mean = completed == 0 ? 0 : mean / completed / 1e9;
            return new Result(measured, shed, q(sorted, 0.5), q(sorted, 0.9), q(sorted, 0.99), mean, p99All,
                    completed == 0 ? 0 : queueSum / completed / 1e9,
                    Math.min(1, busyNanos / ((double) instances * span)),
                    runs == 0 ? 0 : (double) runRows / runs, runs, span / 1e9);
        }

        private static double q(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)] / 1e9;
        }
    }
}
