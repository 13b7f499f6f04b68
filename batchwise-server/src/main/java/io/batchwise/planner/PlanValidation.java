package io.batchwise.planner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.bench.LoadGenerator;
import io.batchwise.bench.LoadResult;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.model.InvalidConfig;
import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.plan.PlanPrices;
import io.batchwise.plan.Profile;
import io.batchwise.plan.Profiler;
import io.batchwise.plan.ServiceCurve;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Simulation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code batchwise plan --validate}: the planner's simulator against the real server, on the same
 * open-loop Poisson load, on this machine.
 *
 * <ol>
 *   <li>Profile the model with ONNX Runtime (the curve the simulator will use).</li>
 *   <li>Start the real server in-process on a free port; send a light load (at most 10 requests/s, after a warm-up), then
 *       the load under test (by default 40% of what the profile fits in the budget), with the open-loop generator of {@code batchwise bench} (latency
 *       from each request's intended send time).</li>
 *   <li>Simulate both loads with the scheduler's own state machine and the profile's curve.
 *       The simulator sees only the scheduler: the fixed cost of HTTP, decoding and encoding is
 *       taken as the light load's measured median minus the simulated one, and added to every
 *       simulated latency. Runs in a serving process also take longer than the profile's runs
 *       alone (HTTP threads, the JIT, the load generator share the cores): the light load's mean
 *       run time over the profile's at the same size scales the simulated run times. Both are
 *       printed, so nothing is hidden.</li>
 *   <li>Print predicted vs measured p99, rows per run, utilization and cost per 1k rows (pool
 *       price x provisioned time / rows served, and the busy-time share of it).</li>
 * </ol>
 */
final class PlanValidation {
    private static final double TARGET = 0.15;
    private static final double LIGHT_RATE = 10;

    /** What to validate; a rate of 0 picks 40% of what the profile says the model sustains within the budget. */
    record Settings(String model, Path models, double rate, Duration duration, Duration budget, int rowsPerRequest,
                    long seed, int minSimulatedRequests, Path saveProfile) {
        Settings {
            if (!(rate >= 0) || rowsPerRequest < 1 || duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("--rate must be >= 0, --rows-per-request and --duration > 0");
            }
        }
    }

    /** One compared quantity. */
    record Row(String name, String unit, double predicted, double measured) {
        double error() {
            return measured == 0 ? (predicted == 0 ? 0 : Double.POSITIVE_INFINITY) : predicted / measured - 1;
        }

        boolean within() {
            return Math.abs(error()) <= TARGET;
        }
    }

    /** The comparison and what it was made on. */
    record Report(Settings settings, double rate, Duration budget, String policy, int instances, int cores,
                  double overheadMs, double slowdown, LoadResult measuredLoad, Simulation.Result simulated,
                  List<Row> rows) {
        String table() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "validate %s: %.1f requests/s x %d row(s) for %s, budget %s, policy %s, "
                            + "%d instance(s), %d cores%n", settings.model(), rate, settings.rowsPerRequest(),
                    fmt(settings.duration()), fmt(budget), policy, instances, cores));
            s.append(String.format(Locale.ROOT, "fixed overhead outside the scheduler (HTTP, codec), from the light load: "
                    + "%.2f ms%n", overheadMs));
            s.append(String.format(Locale.ROOT, "serving slowdown of runs vs the profile's runs alone, from the light "
                    + "load: x%.2f%n", slowdown));
            s.append(String.format(Locale.ROOT, "sent %d, succeeded %d, shed %d (simulated shed %.2f%%)%n",
                    measuredLoad.sent(), measuredLoad.succeeded(), measuredLoad.shed(), 100 * simulated.shedFraction()));
            s.append(String.format(Locale.ROOT, "  %-36s %12s %12s %8s  %s%n", "", "predicted", "measured", "error",
                    "within 15%"));
            for (Row r : rows) {
                boolean known = Double.isFinite(r.error());
                s.append(String.format(Locale.ROOT, "  %-50s %12s %12s %8s  %s%n", r.name() + " (" + r.unit() + ")",
                        num(r.predicted()), num(r.measured()),
                        known ? String.format(Locale.ROOT, "%.1f%%", 100 * r.error()) : "n/a",
                        known ? (r.within() ? "yes" : "no") : "n/a"));
            }
            if (measuredLoad.succeeded() == 0) {
                s.append("the server answered no request in time: the load is beyond this machine now; try a lower --rate\n");
            }
            return s.toString();
        }

        String json() {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("model", settings.model()).put("rate", rate)
                    .put("rows_per_request", settings.rowsPerRequest())
                    .put("duration_s", settings.duration().toMillis() / 1e3).put("budget_ms", budget.toMillis())
                    .put("policy", policy).put("instances", instances).put("cores", cores)
                    .put("overhead_ms", overheadMs).put("slowdown", slowdown).put("target", TARGET);
            root.set("measured_load", measuredLoad.toJson(m));
            var list = root.putArray("comparisons");
            for (Row r : rows) {
                var n = list.addObject().put("quantity", r.name()).put("unit", r.unit());
                put(n, "predicted", r.predicted());
                put(n, "measured", r.measured());
                put(n, "error", r.error());
                n.put("within_target", Double.isFinite(r.error()) && r.within());
            }
            return root.toPrettyString() + "\n";
        }

        private static void put(ObjectNode n, String key, double v) {
            if (Double.isFinite(v)) {
                n.put(key, v);
            } else {
                n.putNull(key);
            }
        }

        private static String num(double v) {
            if (!Double.isFinite(v)) {
                return "n/a";
            }
            return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v)
                    : Math.abs(v) >= 1 ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%.6f", v);
        }

        private static String fmt(Duration d) {
            return io.batchwise.model.Durations.format(d);
        }
    }

    private final PlanPrices prices;
    private final Consumer<String> progress;

    PlanValidation(PlanPrices prices, Consumer<String> progress) {
        this.prices = prices;
        this.progress = progress;
    }

    Report run(Settings s) throws Exception {
        Path repo = s.models() != null ? s.models() : DemoModelDir.create(s.model());
        Path data = Files.createTempDirectory("batchwise-validate-");
        try {
            return run(s, repo, data);
        } finally {
            DemoModelDir.delete(data);
            if (s.models() == null) {
                DemoModelDir.delete(repo);
            }
        }
    }

    private Report run(Settings s, Path repo, Path data) throws Exception {
        ModelSource source = new ModelRepository(repo).read(s.model());
        if (!source.loadable()) {
            throw new InvalidConfig("--model: '" + s.model() + "' cannot be loaded from " + repo + ": "
                    + source.configError());
        }
        ModelConfig config = source.config();
        Duration budget = s.budget() != null ? s.budget() : config.latencyTarget();
        PlanPrices.Pool pool = prices.pool(config.pool()).orElseThrow(() -> new InvalidConfig(
                "model '" + s.model() + "' names pool '" + config.pool() + "', which the price sheet lacks"));
        progress.accept("profiling " + s.model() + " ...");
        Profile profile = new Profiler(OnnxRuntime.create(), progress).profile(source,
                Profiler.Options.defaults(List.of(config.instances())));
        if (s.saveProfile() != null) {
            Files.writeString(s.saveProfile(), io.batchwise.plan.ProfileJson.write(profile));
        }

        ServiceCurve curve = ServiceCurve.of(profile.pointsFor(config.instances()));
        double sustainable = sustainableRequests(curve, config, budget, s.rowsPerRequest());
        double rate = s.rate() > 0 ? s.rate() : Math.max(1, Math.min(300, 0.4 * sustainable));
        double lightRate = Math.max(0.5, Math.min(LIGHT_RATE, 0.1 * sustainable));
        Duration light = Duration.ofMillis(Math.max(1000, Math.min(4000, s.duration().toMillis() / 4)));
        LoadResult calibration;
        LoadResult heavy;
        double busySeconds;
        double runs;
        double[] light0;
        double[] light1;
        progress.accept(String.format(Locale.ROOT, "starting the server; %.1f requests/s for %s (the profile says %.0f "
                + "requests/s fit the budget) ...", rate, s.duration(), sustainable));
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(repo, data));
             LoadGenerator gen = new LoadGenerator("http://127.0.0.1:" + server.port())) {
            String url = "http://127.0.0.1:" + server.port();
            gen.run(new LoadGenerator.Load(s.model(), lightRate, light, budget, s.rowsPerRequest(), null, s.seed() + 7));
            light0 = runStats(url, s.model());
            calibration = gen.run(new LoadGenerator.Load(s.model(), lightRate, light, budget, s.rowsPerRequest(), null,
                    s.seed()));
            light1 = runStats(url, s.model());
            heavy = gen.run(new LoadGenerator.Load(s.model(), rate, s.duration(), budget, s.rowsPerRequest(), null,
                    s.seed() + 1));
            double[] after = runStats(url, s.model());
            busySeconds = after[0] - light1[0];
            runs = after[1] - light1[1];
        }
        double slowdown = slowdown(light0, light1, curve);
        Simulation.ServiceTime served = (n, random) -> Math.round(curve.nanos(n, random) * slowdown);

        ServiceClass cls = budget.compareTo(config.batching().deferredThreshold()) >= 0 ? ServiceClass.DEFERRED
                : ServiceClass.INTERACTIVE;
        Simulation.Result simLight = Simulation.run(config, config.instances(), served, new Simulation.Load(lightRate,
                s.rowsPerRequest(), budget, cls, s.minSimulatedRequests(), s.seed()));
        long arrivals = Math.max(s.minSimulatedRequests(), Math.round(rate * s.duration().toMillis() / 1e3));
        Simulation.Result sim = Simulation.run(config, config.instances(), served, new Simulation.Load(rate,
                s.rowsPerRequest(), budget, cls, arrivals, s.seed() + 1));
        double overhead = Double.isNaN(calibration.p50Ms()) ? 0
                : Math.max(0, calibration.p50Ms() / 1e3 - simLight.p50Seconds());

        double seconds = s.duration().toMillis() / 1e3;
        int instances = config.instances();
        double perSecond = pool.ratePerHour(profile.slotsPerInstance()) / 3600;
        double provisioned = perSecond * instances * seconds;
        double predictedRows = rate * seconds * (1 - sim.shedFraction()) * s.rowsPerRequest();
        double measuredRows = (double) heavy.succeeded() * s.rowsPerRequest();
        double predictedBusy = sim.utilization() * instances * seconds;
        List<Row> rows = List.of(
                new Row("p99 latency", "ms", (sim.p99Seconds() + overhead) * 1e3, heavy.p99Ms()),
                new Row("p50 latency", "ms", (sim.p50Seconds() + overhead) * 1e3, heavy.p50Ms()),
                new Row("rows per run", "rows", sim.meanBatchRows(), heavy.meanRowsPerRun()),
                new Row("mean run time", "ms", sim.runs() == 0 ? Double.NaN
                        : sim.utilization() * instances * sim.virtualSeconds() / sim.runs() * 1e3,
                        runs == 0 ? Double.NaN : busySeconds / runs * 1e3),
                new Row("utilization", "busy share", sim.utilization(), busySeconds / (instances * seconds)),
                new Row("cost per 1k rows, idle included", pool.name(), provisioned / predictedRows * 1000,
                        provisioned / measuredRows * 1000),
                new Row("cost per 1k rows, busy time only", pool.name(), perSecond * predictedBusy / predictedRows * 1000,
                        perSecond * busySeconds / measuredRows * 1000));
        return new Report(s, rate, budget, config.batching().policy().name().toLowerCase(Locale.ROOT), instances,
                Runtime.getRuntime().availableProcessors(), overhead * 1e3, slowdown, heavy, sim, rows);
    }

    /**
     * Requests per second the instances sustain within the budget by the profile: the largest
     * measured batch whose p90 run takes at most half the budget, run back to back.
     */
    private static double sustainableRequests(ServiceCurve curve, ModelConfig config, Duration budget, int rows) {
        double half = budget.toNanos() / 2e9;
        double best = 0;
        for (int n : curve.sizes()) {
            if (n >= rows && curve.quantileSeconds(n, 0.9) <= half) {
                best = Math.max(best, config.instances() * curve.rowsPerSecond(n) / rows);
            }
        }
        return best;
    }

    /** Cumulative seconds in ONNX Runtime runs of a model and the number of runs, from {@code /metrics}. */
    /**
     * How much longer runs take inside the serving process (HTTP threads, the JIT and the load
     * generator on the same cores) than the profile's runs alone: the light load's mean run time
     * over the profile's at its mean size, between two {@link #runStats} readings; at least 1.
     */
    private static double slowdown(double[] before, double[] after, ServiceCurve curve) {
        double runs = after[1] - before[1];
        if (runs <= 0) {
            return 1;
        }
        int size = (int) Math.max(1, Math.round((after[2] - before[2]) / runs));
        return Math.max(1, (after[0] - before[0]) / runs / curve.typicalSeconds(size));
    }

    /** The model's run metrics so far: seconds busy, runs, rows. */
    private static double[] runStats(String url, String model) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String labels = "{model=\"" + model + "\"} ";
        double[] out = new double[3];
        for (String line : text.split("\n")) {
            if (line.startsWith("batchwise_run_rows_sum" + labels)) {
                out[2] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
            if (line.startsWith("batchwise_run_seconds_sum" + labels)) {
                out[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("batchwise_run_seconds_count" + labels)) {
                out[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return out;
    }
}
