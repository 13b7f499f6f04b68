package io.batchwise.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwise.bench.LoadGenerator;
import io.batchwise.bench.LoadResult;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.ledger.CostLedger;
import io.batchwise.ledger.Pool;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Submission;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/*
 * The demo's phases, one after another on one in-process server, each on its own slice of the
 * duration:
 *
 *   real-time       scorer-realtime (policy none)  bursty interactive traffic         0.18 D
 *   micro-batch     scorer (policy slo)            the same traffic                   0.18 D
 *   near-real-time  scorer                         deferred rows, budget 2 s          0.18 D
 *   batch           scorer-batch                   a Batches API job, alone           0.07 D of work
 *   batch+live      scorer                         the same job + the interactive traffic
 *
 * The traffic is sized from this machine's own speed, measured at start: the one-row and the
 * full-batch run time (the ledger's busy seconds per run over a few sequential requests).
 * Interactive traffic averages 0.2 / t1 requests per second in bursts of four times that (a
 * one-second square wave), so at its peaks it asks 80% of what one row per run can serve on an
 * otherwise idle instance (less is left: HTTP and the load generator share the machine): the
 * burst real-time capacity must be provisioned for. Near-real-time gets 40% of the instance's
 * full-batch throughput (HTTP and the load generator share the machine): what a budget of
 * seconds lets one instance carry. The job holds 0.07 D of work at the rows per busy second near-real-time measured. The
 * batch phases take as long as the job takes: alone about that long, beside live traffic several
 * times longer (bulk runs stay small there, so as not to delay live requests), which is what the
 * rest of D is for. Everything runs after a short HTTP warm-up.
 *
 * Cost per 1k comes from the ledger over each phase (see LedgerWindow): a mode alone on its
 * model pays all of that model's capacity in the window, idle included; the batch job alongside
 * live traffic pays its busy time and the idle time the price sheet's policy charges it (the
 * built-in sheet charges idle time to interactive traffic, which keeps the capacity warm).
 */
final class DemoRun {
    static final double PEAK_TO_AVERAGE = 4;
    static final double INTERACTIVE_LOAD = 0.2;
    static final double DEFERRED_LOAD = 0.4;
    static final double JOB_SHARE = 0.07;
    static final double LIVE_PHASE_SHARE = 0.18;
    static final int ROWS_PER_LINE = 8;
    static final int MAX_JOB_ROWS = 16_384;
    static final Duration DEFERRED_BUDGET = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(50);

    private final BatchwiseServer server;
    private final Duration duration;
    private final Path work;
    private final Consumer<String> out;
    private final String url;
    private final long startNanos = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    DemoRun(BatchwiseServer server, Duration duration, Path work, Consumer<String> out) {
        this.server = server;
        this.duration = duration;
        this.work = work;
        this.out = out;
        this.url = "http://127.0.0.1:" + server.port();
    }

    /** The traffic of this run, sized from the machine's measured speed. */
    record Traffic(double oneRowSeconds, double fullBatchSeconds, int maxBatch, double rate, Duration budget,
                   int deferredRowsPerRequest) {
        double fullBatchRowsPerSecond() {
            return maxBatch / fullBatchSeconds;
        }
    }

    DemoResult run() throws Exception {
        CostLedger ledger = server.ledger();
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        machine.put("load_average_start", loadAverage());
        Traffic t = traffic();
        warmUp(t);
        machine.put("one_row_run_ms", String.format(Locale.ROOT, "%.2f", t.oneRowSeconds() * 1e3));
        machine.put("full_batch_run_ms", String.format(Locale.ROOT, "%.1f", t.fullBatchSeconds() * 1e3));
        List<String> setup = setup(t);
        setup.forEach(s -> say("  " + s));

        Duration livePhase = Duration.ofMillis(Math.max(1000, (long) (duration.toMillis() * LIVE_PHASE_SHARE)));
        List<DemoResult.ModeLine> modes = new ArrayList<>();
        modes.add(live(DemoMode.REAL_TIME, DemoRepository.REAL_TIME, interactive(DemoRepository.REAL_TIME, t, livePhase),
                ServiceClass.INTERACTIVE, "policy none, 1 row per request"));
        modes.add(live(DemoMode.MICRO_BATCH, DemoRepository.LIVE, interactive(DemoRepository.LIVE, t, livePhase),
                ServiceClass.INTERACTIVE, "policy slo, the same traffic"));
        modes.add(live(DemoMode.NEAR_REAL_TIME, DemoRepository.LIVE, new LoadGenerator.Load(DemoRepository.LIVE,
                        t.rate(), livePhase, DEFERRED_BUDGET, t.deferredRowsPerRequest(), "deferred", 43, PEAK_TO_AVERAGE),
                ServiceClass.DEFERRED, "deferred, budget " + DEFERRED_BUDGET.toSeconds() + " s"));
        int jobRows = jobRows(modes.get(modes.size() - 1).usage(), t);
        BatchClient batches = new BatchClient(http, url);
        String batchFile = upload(batches, DemoRepository.BATCH, jobRows);
        String liveFile = upload(batches, DemoRepository.LIVE, jobRows);
        modes.add(batch(DemoMode.BATCH, DemoRepository.BATCH, batches, batchFile, t, null));
        Holder<LoadResult> alongside = new Holder<>();
        modes.add(batch(DemoMode.BATCH_WITH_LIVE, DemoRepository.LIVE, batches, liveFile, t, alongside));
        machine.put("load_average_end", loadAverage());
        LoadResult l = alongside.value;
        DemoResult.Live live = new DemoResult.Live(l.p50Ms(), l.p99Ms(), l.shedFraction(), l.succeeded());
        say(String.format(Locale.ROOT, "[%5.1fs] planning the built-in workload inventory with the scorer's latency curve"
                + " from this run ...", elapsed()));
        var plan = DemoPlan.plan(server, ledger.priceSheet());
        say(String.format(Locale.ROOT, "[%5.1fs] done", elapsed()));
        return new DemoResult(ledger.priceSheet().currency(), machine, setup, modes, live, plan);
    }

    /**
     * The job's size: {@link #JOB_SHARE} of the duration at the rows per busy second that the
     * near-real-time phase measured in large runs on this machine, now (the warm-up's figure is
     * one run per size, taken while the JVM was still compiling).
     */
    private int jobRows(LedgerWindow.Usage nearRealTime, Traffic t) {
        double perSecond = nearRealTime.busySeconds() > 0 && nearRealTime.rows() > 0
                ? nearRealTime.rows() / nearRealTime.busySeconds() : t.fullBatchRowsPerSecond();
        long rows = Math.round(JOB_SHARE * duration.toNanos() / 1e9 * perSecond);
        return (int) Math.max(32 * ROWS_PER_LINE, Math.min(MAX_JOB_ROWS, rows / ROWS_PER_LINE * ROWS_PER_LINE));
    }

    private String upload(BatchClient batches, String model, int rows) throws Exception {
        Path input = jobFile(model, rows);
        try {
            String id = batches.upload(input);
            say(String.format(Locale.ROOT, "          %-15s uploaded %,d rows in %,d lines for %s (%.1f MB) via POST /v1/files",
                    "", rows, rows / ROWS_PER_LINE, model, Files.size(input) / 1e6));
            return id;
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private List<String> setup(Traffic t) {
        Pool pool = server.ledger().priceSheet().pool(
                server.registry().ready(DemoRepository.LIVE, null).config().pool()).orElse(null);
        List<String> s = new ArrayList<>();
        s.add(String.format(Locale.ROOT, "machine: %d cores, load average %s; one-row run %.2f ms, %d-row run %.1f ms"
                        + " (%,.0f rows/s)", Runtime.getRuntime().availableProcessors(), loadAverage(),
                t.oneRowSeconds() * 1e3, t.maxBatch(), t.fullBatchSeconds() * 1e3, t.fullBatchRowsPerSecond()));
        if (pool != null) {
            s.add(String.format(Locale.ROOT, "price: %s %s %.5f/h for %d cores; each deployment: 1 instance x %d threads",
                    pool.name(), server.ledger().priceSheet().currency(), pool.pricePerHour(), pool.slots(),
                    server.registry().ready(DemoRepository.LIVE, null).config().intraOpThreads()));
        }
        s.add(String.format(Locale.ROOT, "interactive traffic: %.0f req/s on average, bursts of %.0f req/s (%.0fx) for %.0f%%"
                        + " of every second; 1 row per request, budget %d ms", t.rate(), t.rate() * PEAK_TO_AVERAGE,
                PEAK_TO_AVERAGE, 100 * burstShare(), t.budget().toMillis()));
        s.add(String.format(Locale.ROOT, "near-real-time traffic: the same arrivals with %d rows each (%,.0f rows/s), budget %d s",
                t.deferredRowsPerRequest(), t.rate() * t.deferredRowsPerRequest(), DEFERRED_BUDGET.toSeconds()));
        s.add(String.format(Locale.ROOT, "batch job: an OpenAI-style JSONL file of %d rows per line, sized to %.0f%% of the"
                + " duration at the rows/s near-real-time reaches", ROWS_PER_LINE, 100 * JOB_SHARE));
        return s;
    }

    /**
     * A little steady traffic over HTTP on both live deployments before anything is measured:
     * on a fresh JVM the first seconds of requests pay for class loading and JIT compilation
     * (on two cores the compiler threads alone can stall requests for hundreds of ms), which
     * would land on whichever phase runs first.
     */
    private void warmUp(Traffic t) throws Exception {
        Duration d = Duration.ofMillis(Math.max(1000, Math.min(3000, duration.toMillis() / 20)));
        say(String.format(Locale.ROOT, "  warming up the HTTP path: %.1f s of light traffic on each live deployment ...",
                d.toMillis() / 1e3));
        try (LoadGenerator g = new LoadGenerator(url)) {
            for (String model : List.of(DemoRepository.REAL_TIME, DemoRepository.LIVE)) {
                g.run(new LoadGenerator.Load(model, t.rate() / 2, d, t.budget(), 1, "interactive", 7, 1));
            }
            g.run(new LoadGenerator.Load(DemoRepository.LIVE, t.rate() / 2, d.dividedBy(2), DEFERRED_BUDGET,
                    t.deferredRowsPerRequest(), "deferred", 8, 1));
        }
    }

    /** Share of each second spent in a burst (LoadGenerator's square wave). */
    static double burstShare() {
        return (1 - 0.5) / (PEAK_TO_AVERAGE - 0.5);
    }

    private LoadGenerator.Load interactive(String model, Traffic t, Duration d) {
        return new LoadGenerator.Load(model, t.rate(), d, t.budget(), 1, "interactive", 42, PEAK_TO_AVERAGE);
    }

    private DemoResult.ModeLine live(DemoMode mode, String model, LoadGenerator.Load load, ServiceClass cls,
                                     String served) throws Exception {
        say(String.format(Locale.ROOT, "[%5.1fs] %-15s %s (%s): %.0f s of traffic ...", elapsed(), mode.label(), model,
                served, load.duration().toMillis() / 1e3));
        LedgerWindow window = LedgerWindow.open(server.ledger(), model);
        long start = System.nanoTime();
        LoadResult r;
        try (LoadGenerator generator = new LoadGenerator(url)) {
            r = generator.run(load);
        }
        LedgerWindow.Usage u = window.close(cls, true);
        double seconds = (System.nanoTime() - start) / 1e9;
        say(String.format(Locale.ROOT, "          %-15s %,d rows, %.1f rows/run, p50 %s, p99 %s, shed %.1f%%", "",
                u.rows(), u.rowsPerRun(), DemoTable.ms(r.p50Ms()), DemoTable.ms(r.p99Ms()), 100 * r.shedFraction()));
        if (r.failed() > 0) {
            say("          warning: " + r.failed() + " requests failed (not 200, 429 or 503)");
        }
        return new DemoResult.ModeLine(mode, model, served, u, r.p50Ms(), r.p99Ms(), r.shedFraction(), seconds);
    }

    /** A mutable slot for what a phase measured on the side. */
    private static final class Holder<T> {
        T value;
    }

    /**
     * Runs the job on {@code model} through the Batches API; with {@code alongside} set, the
     * interactive traffic runs on the same model until the job completes.
     */
    private DemoResult.ModeLine batch(DemoMode mode, String model, BatchClient batches, String fileId, Traffic t,
                                      Holder<LoadResult> alongside) throws Exception {
        String endpoint = "/v2/models/" + model + "/infer";
        say(String.format(Locale.ROOT, "[%5.1fs] %-15s %s: POST /v1/batches (%s)%s ...", elapsed(), mode.label(), model,
                endpoint, alongside == null ? ", nothing else running" : ", with the interactive traffic alongside"));
        ExecutorService side = null;
        Future<LoadResult> liveTraffic = null;
        AtomicBoolean done = new AtomicBoolean();
        LoadGenerator generator = null;
        try {
            if (alongside != null) {
                generator = new LoadGenerator(url);
                LoadGenerator g = generator;
                LoadGenerator.Load load = interactive(model, t, duration.multipliedBy(3));
                side = Executors.newSingleThreadExecutor(r -> {
                    Thread th = new Thread(r, "batchwise-demo-live");
                    th.setDaemon(true);
                    return th;
                });
                liveTraffic = side.submit(() -> g.run(load, done::get));
            }
            // The window covers the makespan, validation of the file included: a deployment of its own
            // is paid while the job waits for that too.
            LedgerWindow window = LedgerWindow.open(server.ledger(), model);
            long start = System.nanoTime();
            String id = batches.create(fileId, endpoint).get("id").asText();
            JsonNode end = batches.await(id, Duration.ofMinutes(10).plus(duration.multipliedBy(5)), POLL,
                    new BatchProgress(start));
            long makespan = System.nanoTime() - start;
            LedgerWindow.Usage u = window.close(ServiceClass.BULK, alongside == null);
            done.set(true);
            if (liveTraffic != null) {
                alongside.value = liveTraffic.get(2, TimeUnit.MINUTES);
            }
            JsonNode counts = end.path("request_counts");
            if (!end.path("status").asText().equals("completed") || counts.path("failed").asLong() > 0) {
                throw new IllegalStateException("batch " + id + " ended " + end.path("status").asText() + " with "
                        + counts.path("failed").asLong() + " failed lines: " + end.path("errors"));
            }
            double ms = makespan / 1e6;
            String liveNote = alongside == null ? "" : String.format(Locale.ROOT, "; live traffic alongside: p50 %s,"
                    + " p99 %s, shed %.1f%%", DemoTable.ms(alongside.value.p50Ms()), DemoTable.ms(alongside.value.p99Ms()),
                    100 * alongside.value.shedFraction());
            say(String.format(Locale.ROOT, "          %-15s completed %,d lines (%,d rows) in %.1f s, %.1f rows/run%s", "",
                    counts.path("completed").asLong(), u.rows(), ms / 1e3, u.rowsPerRun(), liveNote));
            return new DemoResult.ModeLine(mode, model, alongside == null ? "Batches API job, alone"
                    : "the same job beside the interactive traffic", u, ms, ms, 0, makespan / 1e9);
        } finally {
            done.set(true);
            if (side != null) {
                side.shutdownNow();
            }
            if (generator != null) {
                generator.close();
            }
        }
    }

    /** Prints a batch's status changes and its progress in quarters. */
    private final class BatchProgress implements Consumer<JsonNode> {
        private final long start;
        private String status = "";
        private int quarter;

        BatchProgress(long start) {
            this.start = start;
        }

        @Override
        public void accept(JsonNode b) {
            String s = b.path("status").asText();
            long total = b.path("request_counts").path("total").asLong();
            long completed = b.path("request_counts").path("completed").asLong();
            int q = total == 0 ? 0 : (int) (4 * completed / total);
            if (!s.equals(status) || (q > quarter && q < 4)) {
                status = s;
                quarter = Math.max(quarter, q);
                say(String.format(Locale.ROOT, "          %-15s %.1f s: %s, %,d/%,d lines", "",
                        (System.nanoTime() - start) / 1e9, s, completed, total));
            }
        }
    }

    /** Measures the machine and sizes the traffic from it. */
    private Traffic traffic() throws Exception {
        LoadedModel realtime = server.registry().ready(DemoRepository.REAL_TIME, null);
        LoadedModel batch = server.registry().ready(DemoRepository.BATCH, null);
        double t1 = oneRowSeconds(realtime);
        int max = batch.config().maxBatchSize();
        double tMax = fullBatchSeconds(batch);
        double rate = Math.max(2, Math.min(400, INTERACTIVE_LOAD / t1));
        LoadedModel live = server.registry().ready(DemoRepository.LIVE, null);
        Duration budget = Duration.ofNanos(Math.max(live.config().latencyTarget().toNanos(), (long) (10 * t1 * 1e9)));
        int deferredRows = (int) Math.max(1, Math.min(max / 2, Math.round(DEFERRED_LOAD * max / tMax / rate)));
        return new Traffic(t1, tMax, max, rate, budget, deferredRows);
    }

    /**
     * The one-row service time: single-row requests sent one after another, timed by the ledger
     * as busy seconds per run (client-side time would add the scheduler's and HTTP's overhead).
     */
    private double oneRowSeconds(LoadedModel model) throws Exception {
        double t = secondsPerRun(model, 1, 40);
        return t > 0 ? t : 0.005;
    }

    /** The same for runs of {@code max_batch_size} rows, as bulk work on the batch deployment. */
    private double fullBatchSeconds(LoadedModel model) throws Exception {
        double t = secondsPerRun(model, model.config().maxBatchSize(), 6);
        return t > 0 ? t : server.scheduler().predictSeconds(model.name(), model.config().maxBatchSize());
    }

    private double secondsPerRun(LoadedModel model, int rows, int runs) throws Exception {
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
            } catch (java.util.concurrent.ExecutionException e) {
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

    /**
     * Writes the job's input: lines of {@link #ROWS_PER_LINE} rows for {@code model}'s KServe
     * endpoint. Features are small integers (as one-hot or bucketed tabular features are), which
     * keeps the file, and the JSON the job decodes, small.
     */
    private Path jobFile(String model, int rows) throws IOException {
        TensorSpec input = server.registry().ready(model, null).signature().inputs().get(0);
        if (input.type() != DataType.FP32 || input.shape().length != 2 || input.shape()[1] < 1) {
            throw new IllegalStateException("the demo expects the scorer's FP32 [-1, width] input (got " + input + ")");
        }
        int width = (int) input.shape()[1];
        Path file = work.resolve(model + ".jsonl");
        String[] values = {"-3", "-2", "-1", "0", "1", "2", "3"};
        String head = "\",\"method\":\"POST\",\"url\":\"/v2/models/" + model + "/infer\",\"body\":{\"inputs\":[{\"name\":\""
                + input.name() + "\",\"datatype\":\"FP32\",\"shape\":[" + ROWS_PER_LINE + "," + width + "],\"data\":[";
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int line = 0; line < rows / ROWS_PER_LINE; line++) {
                w.write("{\"custom_id\":\"line-");
                w.write(Integer.toString(line));
                w.write(head);
                for (int r = 0; r < ROWS_PER_LINE; r++) {
                    int row = line * ROWS_PER_LINE + r;
                    for (int j = 0; j < width; j++) {
                        if (r + j > 0) {
                            w.write(',');
                        }
                        w.write(values[Math.floorMod(row * 31 + j * 7 + (row * j >> 3), values.length)]);
                    }
                }
                w.write("]}]}}\n");
            }
        }
        return file;
    }

    private double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void say(String line) {
        out.accept(line);
    }

    static String loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", l);
    }
}
