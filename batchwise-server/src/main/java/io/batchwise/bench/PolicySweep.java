package io.batchwise.bench;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * Finds, for each batching policy, the highest request rate a model sustains with p99 within a
 * limit and at most a given fraction shed. All policies are served side by side by one
 * in-process server (the same ONNX file under one model name per policy), so their ratios come
 * from one run on one machine state. The raw ceiling is read before the first policy and after
 * each one, so every policy also has a ceiling measured right beside it: this machine's speed
 * drifts by more than the gaps between policies over the length of a whole sweep.
 */
public final class PolicySweep {
    private static final double CEILING_SECONDS = 3;
    /** The arrivals' seed of every probe of a search, and of the first round at a fixed rate. */
    private static final long FIRST_SEED = 42;
    /** One policy under test: a label and its config.yaml batching block. */
    public record Policy(String label, String batchingYaml) {
        /** Parses {@code none}, {@code slo} or {@code window:5ms}. */
        public static Policy parse(String text) {
            if (text.equals("none") || text.equals("slo")) {
                return new Policy(text, "  policy: " + text + "\n");
            }
            if (text.startsWith("window:")) {
                return new Policy(text, "  policy: window\n  max_queue_delay: " + text.substring(7) + "\n");
            }
            throw new IllegalArgumentException("policy must be none, slo or window:DELAY (got " + text + ")");
        }

        String modelName() {
            return "scorer-" + label.replace(':', '-');
        }
    }

    /**
     * The best passing rate found for a policy, the run that showed it, and the raw ceiling beside
     * it: the higher of the readings just before and just after its probes.
     */
    public record Outcome(Policy policy, double bestRate, LoadResult best, List<LoadResult> probes,
                          double ceilingBeside) {
    }

    /**
     * One policy's probes at one fixed rate, one per round ({@link #runAtRate}). Probes of the
     * same round send the same arrivals to every policy, so the policies compare round by round.
     */
    public record Rounds(Policy policy, List<LoadResult> probes) {
        /** How many of the probes held p99 within {@code p99LimitMs} with at most {@code maxShed} shed. */
        public long holds(double p99LimitMs, double maxShed) {
            return probes.stream().filter(r -> r.holds(p99LimitMs, maxShed)).count();
        }

        public double medianP99Ms() {
            return RawBenchCommand.median(probes.stream().mapToDouble(LoadResult::p99Ms).toArray());
        }

        public double medianShed() {
            return RawBenchCommand.median(probes.stream().mapToDouble(LoadResult::shedFraction).toArray());
        }

        public double medianRowsPerRun() {
            return RawBenchCommand.median(probes.stream().mapToDouble(LoadResult::meanRowsPerRun).toArray());
        }

        /** Median rows/s answered (achieved rate times rows per request). */
        public double medianRowsPerSecond(int rowsPerRequest) {
            return RawBenchCommand.median(probes.stream().mapToDouble(r -> r.achievedRate() * rowsPerRequest).toArray());
        }
    }

    /** Requests a probe sends at least, so that its p99 rests on more than one or two of them. */
    static final int MIN_PROBE_REQUESTS = 1_000;
    private final Duration probe;
    private final Duration budget;
    private final double p99LimitMs;
    private final double maxShed;
    private final int rowsPerRequest;
    private final Consumer<String> progress;
    private final boolean inProcess;
    private double ceiling = Double.NaN;

    public PolicySweep(Duration probe, Duration budget, double p99LimitMs, double maxShed, int rowsPerRequest,
                       Consumer<String> progress) {
        this(probe, budget, p99LimitMs, maxShed, rowsPerRequest, progress, false);
    }

    /** @param inProcess send the requests straight to the server's scheduler, not over HTTP ({@link LoadGenerator#inProcess}) */
    public PolicySweep(Duration probe, Duration budget, double p99LimitMs, double maxShed, int rowsPerRequest,
                       Consumer<String> progress, boolean inProcess) {
        this.inProcess = inProcess;
        this.probe = probe;
        this.budget = budget;
        this.p99LimitMs = p99LimitMs;
        this.maxShed = maxShed;
        this.rowsPerRequest = rowsPerRequest;
        this.progress = progress;
    }

    /**
     * Writes the repository, measures the raw ceiling, starts the server, sweeps every policy
     * with a ceiling reading after each (the server idle meanwhile), and stops the server. The
     * machine may drift during a sweep, so {@link #ceiling()} is the highest reading and each
     * {@link Outcome#ceilingBeside()} the higher of the two next to its policy.
     */
    public List<Outcome> run(List<Policy> policies, Path work, int instances, int intraOpThreads, double startRate)
            throws Exception {
        Path models = repository(policies, work, instances, intraOpThreads);
        String model = policies.get(0).modelName();
        double[] readings = new double[policies.size() + 1];
        RawCeiling first = ceiling(models, model);
        readings[0] = first.sustained();
        List<Outcome> swept = new ArrayList<>();
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(models, work.resolve("data")));
             LoadGenerator gen = generator(server)) {
            for (int i = 0; i < policies.size(); i++) {
                swept.add(sweep(gen, policies.get(i), startRate));
                readings[i + 1] = ceiling(models, model).sustained();
                progress.accept(String.format(Locale.ROOT, "  raw ceiling after %s: %.0f rows/s",
                        policies.get(i).label(), readings[i + 1]));
            }
        }
        double[] beside = besideEach(readings);
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < swept.size(); i++) {
            Outcome o = swept.get(i);
            out.add(new Outcome(o.policy(), o.bestRate(), o.best(), o.probes(), beside[i]));
        }
        ceiling = Arrays.stream(readings).max().orElseThrow();
        StringJoiner all = new StringJoiner(", ");
        for (double r : readings) {
            all.add(String.format(Locale.ROOT, "%.0f", r));
        }
        progress.accept(String.format(Locale.ROOT, "raw ONNX Runtime ceiling at batch 128 (%s, no HTTP), rows/s, "
                + "before the first policy and after each: %s", first.layout(), all));
        return out;
    }

    /**
     * Probes every policy at one rate, {@code rounds} times, instead of searching for each one's
     * limit. Each round runs every policy once, on arrivals seeded by the round (the same for all
     * policies in it), in an order rotated by one each round so that no policy always runs first
     * or last. Near a limit one probe holds or fails on a few slow runs, so a bisection's answer
     * moves by a quarter between sweeps; how often each policy holds at the same rate, on the
     * same arrivals, in the same minutes, compares policies on a noisy machine where one limit
     * cannot. The raw ceiling is read before the first round and after the last.
     */
    public List<Rounds> runAtRate(List<Policy> policies, Path work, int instances, int intraOpThreads, double rate,
                                  int rounds) throws Exception {
        Path models = repository(policies, work, instances, intraOpThreads);
        String model = policies.get(0).modelName();
        double before = ceiling(models, model).sustained();
        Map<Policy, List<LoadResult>> probes = new LinkedHashMap<>();
        policies.forEach(p -> probes.put(p, new ArrayList<>()));
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(models, work.resolve("data")));
             LoadGenerator gen = generator(server)) {
            for (Policy policy : policies) {
                warmUp(gen, policy, rate);
            }
            for (int round = 0; round < rounds; round++) {
                for (Policy policy : order(policies, round)) {
                    probe(gen, policy, rate, FIRST_SEED + round, probes.get(policy));
                }
            }
        }
        double after = ceiling(models, model).sustained();
        ceiling = Math.max(before, after);
        progress.accept(String.format(Locale.ROOT, "raw ONNX Runtime ceiling at batch 128, rows/s, before the first "
                + "round and after the last: %.0f, %.0f", before, after));
        List<Rounds> out = new ArrayList<>();
        probes.forEach((p, r) -> out.add(new Rounds(p, List.copyOf(r))));
        return out;
    }

    /** {@code items} rotated left by {@code round}: round 0 keeps the order, round 1 starts with the second. */
    static <T> List<T> order(List<T> items, int round) {
        List<T> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(items.get((i + round) % items.size()));
        }
        return out;
    }

    /**
     * For readings taken before the first of n policies and after each, the ceiling beside each
     * policy: the higher of the reading just before it and the one just after.
     */
    static double[] besideEach(double[] readings) {
        double[] beside = new double[readings.length - 1];
        for (int i = 0; i < beside.length; i++) {
            beside[i] = Math.max(readings[i], readings[i + 1]);
        }
        return beside;
    }

    /** The raw ceiling of the last {@link #run}: sustained rows/s at max batch, the highest reading. */
    public double ceiling() {
        return ceiling;
    }

    private static RawCeiling ceiling(Path models, String model) throws InterruptedException {
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(models), OnnxRuntime.create())) {
            LoadedModel m = registry.load(model);
            if (!m.ready()) {
                throw new IllegalStateException("model " + model + " failed to load: " + m.reason());
            }
            return RawCeiling.measure(m, CEILING_SECONDS, 1);
        }
    }

    private LoadGenerator generator(BatchwiseServer server) {
        String url = "http://127.0.0.1:" + server.port();
        return inProcess ? LoadGenerator.inProcess(url, server.scheduler()) : new LoadGenerator(url);
    }

    /**
     * Warms the JIT and the policy's latency model at {@code rate}: the first policy measured must
     * not pay for a cold JVM, nor the first probe for the compilers still working beside it.
     */
    private void warmUp(LoadGenerator gen, Policy policy, double rate) throws Exception {
        JitWarmUp.untilQuiet(round -> gen.run(load(policy, rate, Duration.ofSeconds(4), FIRST_SEED)),
                "  " + policy.label() + " warm-up: %d round(s) of 4 s; the JIT compiled for %.0f%% of the last one",
                progress);
    }

    private Outcome sweep(LoadGenerator gen, Policy policy, double startRate) throws Exception {
        List<LoadResult> probes = new ArrayList<>();
        warmUp(gen, policy, startRate);
        double pass = 0;
        LoadResult best = null;
        double fail = Double.NaN;
        double rate = startRate;
        while (Double.isNaN(fail)) {
            LoadResult r = probe(gen, policy, rate, FIRST_SEED, probes);
            if (r.holds(p99LimitMs, maxShed)) {
                pass = rate;
                best = r;
                rate *= 2;
            } else {
                fail = rate;
            }
            if (rate > 1e6) {
                break;
            }
        }
        for (int i = 0; i < 4 && !Double.isNaN(fail); i++) {
            double mid = pass == 0 ? fail / 2 : (pass + fail) / 2;
            LoadResult r = probe(gen, policy, mid, FIRST_SEED, probes);
            if (r.holds(p99LimitMs, maxShed)) {
                pass = mid;
                best = r;
            } else {
                fail = mid;
            }
        }
        return new Outcome(policy, pass, best, probes, Double.NaN);
    }

    private LoadResult probe(LoadGenerator gen, Policy policy, double rate, long seed, List<LoadResult> probes)
            throws Exception {
        ThreadCpu cpu0 = ThreadCpu.read();
        long t0 = System.nanoTime();
        LoadResult r;
        GcPauses pauses;
        try (GcPauses gc = GcPauses.start()) {
            r = gen.run(load(policy, rate, probeDuration(probe, rate), seed));
            pauses = gc;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        ThreadCpu cpu1 = ThreadCpu.read();
        probes.add(r);
        progress.accept(String.format("  %-14s rate %7.0f/s  p99 %8.2f ms  shed %5.2f%%  rows/run %6.1f in %5.1f ms"
                + "  %s", policy.label(), rate, r.p99Ms(), 100 * r.shedFraction(), r.meanRowsPerRun(), r.meanRunMs(),
                r.holds(p99LimitMs, maxShed) ? "holds" : "fails"));
        progress.accept("      cores by thread: " + cores(cpu0.usageUntil(cpu1, 0.01 * wall), wall) + "; " + pauses);
        return r;
    }

    /**
     * How long a probe at {@code rate} runs: {@code probe}, or longer at low rates, until it has
     * sent {@link #MIN_PROBE_REQUESTS}. A p99 over 150 requests (3 s at 50/s) is its second
     * slowest request, and one pause then failed a whole policy's first probe; over 1,000 it rests
     * on the ten slowest.
     */
    static Duration probeDuration(Duration probe, double rate) {
        long needed = (long) Math.ceil(MIN_PROBE_REQUESTS / rate * 1000);
        return needed > probe.toMillis() ? Duration.ofMillis(needed) : probe;
    }

    /** Each thread group's CPU over a span as cores busy (1.0 = one core all the time), most first. */
    static String cores(Map<String, ThreadCpu.Usage> usage, double wallSeconds) {
        StringJoiner groups = new StringJoiner(", ");
        double total = 0;
        for (Map.Entry<String, ThreadCpu.Usage> e : usage.entrySet()) {
            total += e.getValue().seconds();
            groups.add(String.format(Locale.ROOT, "%s %.2f (sys %.2f)", e.getKey(),
                    e.getValue().seconds() / wallSeconds, e.getValue().kernelSeconds() / wallSeconds));
        }
        return String.format(Locale.ROOT, "total %.2f: ", total / wallSeconds) + groups;
    }

    private LoadGenerator.Load load(Policy policy, double rate, Duration duration, long seed) {
        return new LoadGenerator.Load(policy.modelName(), rate, duration, budget, rowsPerRequest, null, seed);
    }

    private static Path repository(List<Policy> policies, Path work, int instances, int intraOpThreads)
            throws IOException {
        Path source = work.resolve("source");
        if (!Files.exists(source.resolve("scorer/1/model.onnx"))) {
            DemoModels.writeScorer(source);
        }
        Path models = work.resolve("models");
        for (Policy p : policies) {
            Path dir = models.resolve(p.modelName());
            Files.createDirectories(dir.resolve("1"));
            Path onnx = dir.resolve("1/model.onnx");
            if (!Files.exists(onnx)) {
                try {
                    Files.createLink(onnx, source.resolve("scorer/1/model.onnx"));
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(source.resolve("scorer/1/model.onnx"), onnx);
                }
            }
            Files.writeString(dir.resolve("config.yaml"), "name: " + p.modelName() + "\n"
                    + "max_batch_size: 128\ninstances: " + instances + "\nintra_op_threads: " + intraOpThreads + "\n"
                    + "latency_target: 50ms\nbatching:\n" + p.batchingYaml()
                    + "queue:\n  max_rows: 4096\n  timeout_action: reject\n");
        }
        return models;
    }
}
