package io.batchwise.demo;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Submission;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The demo's traffic, sized from this machine's own speed measured at start: the one-row and
 * the full-batch run time, as the ledger's busy seconds per run over a few sequential requests.
 *
 * <p>Interactive traffic averages {@link #INTERACTIVE_LOAD} / t1 requests per second in bursts
 * of {@link DemoRun#PEAK_TO_AVERAGE} times that, so at its peaks it asks 80% of what one row per
 * run can serve on an otherwise idle instance (less is left: HTTP and the load generator share
 * the machine): the burst real-time capacity must be provisioned for. Near-real-time gets
 * {@link #DEFERRED_LOAD} of the instance's full-batch throughput in requests of several rows:
 * what a budget of seconds lets one instance carry.
 *
 * @param oneRowSeconds          busy seconds of a one-row run
 * @param fullBatchSeconds       busy seconds of a {@code maxBatch}-row run
 * @param rate                   interactive requests per second, on average
 * @param budget                 interactive budget: the scorer's latency target, or 10 one-row
 *                               runs on a machine too slow for it
 * @param deferredRowsPerRequest rows of each near-real-time request (same arrivals as interactive)
 */
record Traffic(double oneRowSeconds, double fullBatchSeconds, int maxBatch, double rate, Duration budget,
               int deferredRowsPerRequest) {
    static final double INTERACTIVE_LOAD = 0.2;
    static final double DEFERRED_LOAD = 0.4;

    double fullBatchRowsPerSecond() {
        return maxBatch / fullBatchSeconds;
    }

    /** Measures the machine and sizes the traffic from it. */
    static Traffic measure(BatchwiseServer server) throws Exception {
        LoadedModel realtime = server.registry().ready(DemoRepository.REAL_TIME, null);
        LoadedModel batch = server.registry().ready(DemoRepository.BATCH, null);
        LoadedModel live = server.registry().ready(DemoRepository.LIVE, null);
        double t1 = secondsPerRun(server, realtime, 1, 40);
        t1 = t1 > 0 ? t1 : 0.005;
        int max = batch.config().maxBatchSize();
        double tMax = secondsPerRun(server, batch, max, 6);
        tMax = tMax > 0 ? tMax : Math.max(t1, server.scheduler().predictSeconds(batch.name(), max));
        double rate = Math.max(2, Math.min(400, INTERACTIVE_LOAD / t1));
        Duration budget = Duration.ofNanos(Math.max(live.config().latencyTarget().toNanos(), (long) (10 * t1 * 1e9)));
        int deferredRows = (int) Math.max(1, Math.min(max / 2, Math.round(DEFERRED_LOAD * max / tMax / rate)));
        return new Traffic(t1, tMax, max, rate, budget, deferredRows);
    }

    /**
     * Busy seconds per run of {@code rows}-row requests sent one after another (one-row ones as
     * interactive, larger ones as bulk work), timed by the ledger: client-side time would add the
     * scheduler's and HTTP's overhead. 0 when no run happened.
     */
    private static double secondsPerRun(BatchwiseServer server, LoadedModel model, int rows, int runs)
            throws Exception {
        InferenceRequest request = new InferenceRequest("calibrate",
                List.of(zeros(model.signature().inputs().get(0), rows)), List.of(), Map.of());
        // A generous budget: on a busy machine a lone request can outlast the model's target, and
        // here only the run time matters.
        ServiceClass cls = rows == 1 ? ServiceClass.INTERACTIVE : ServiceClass.BULK;
        Submission calibrate = new Submission(request, cls, Duration.ofSeconds(10), null, null);
        LedgerWindow window = LedgerWindow.open(server.ledger(), model.name());
        for (int i = 0; i < runs; i++) {
            try {
                server.scheduler().submit(model.name(), null, calibrate).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // refused or late: the ledger times only the runs that happened
            }
        }
        LedgerWindow.Usage u = window.close(cls, true);
        return u.runs() == 0 ? 0 : u.busySeconds() / u.runs();
    }

    private static Tensor zeros(TensorSpec spec, int rows) {
        long[] shape = spec.shape();
        shape[0] = rows;
        for (int d = 1; d < shape.length; d++) {
            shape[d] = shape[d] < 0 ? 1 : shape[d];
        }
        int bytes = Math.toIntExact(Tensor.elementCount(shape) * spec.type().byteSize());
        return Tensor.of(spec.name(), spec.type(), shape, ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }
}
