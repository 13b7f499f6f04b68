package io.batchwise.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwise.bench.LoadGenerator;
import io.batchwise.bench.LoadResult;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.ledger.CostLedger;
import io.batchwise.ledger.Pool;
import io.batchwise.schedule.ServiceClass;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
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
 * The traffic is sized from this machine's own speed, measured at start (see Traffic). The job
 * holds 0.07 D of work at the rows per busy second the near-real-time phase reached. The batch
 * phases take as long as the job takes: alone about that long, beside live traffic several
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

    DemoResult run() throws Exception {
        CostLedger ledger = server.ledger();
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        machine.put("load_average_start", loadAverage());
        Traffic t = Traffic.measure(server);
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
        Path input = JobFile.write(work.resolve(model + ".jsonl"), model,
                server.registry().ready(model, null).signature().inputs().get(0), rows, ROWS_PER_LINE);
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
