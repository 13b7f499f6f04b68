package io.batchwise.bench;

import io.batchwise.model.BatchingConfig;
import io.batchwise.model.Durations;
import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelConfigParser;
import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.onnx.DemoModels;
import io.batchwise.plan.Profile;
import io.batchwise.plan.Profiler;
import io.batchwise.plan.ServiceCurve;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Simulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise bench simulate}: the batching policies side by side in virtual time. It
 * profiles the model's runs on this machine (t(n) and its spread per batch size, as
 * {@code batchwise profile} does), then runs the scheduler's own state machine
 * ({@link Simulation}) against Poisson arrivals with run times drawn from that profile, and
 * bisects each policy's highest rate within the p99 limit, once per seed.
 *
 * <p>It separates what a policy does from what the machine does to a live sweep ({@code bench
 * sweep}): no HTTP, no load generator on the same cores, no compiler or collector, no neighbour.
 * {@code --stretch} and {@code --stalls} put some of that back on purpose: runs a given factor
 * slower than the profile, and a share of runs held up by a pause, to ask how each policy copes
 * with a machine like the one a live sweep meets.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Profile a model's runs, then find each batching policy's highest rate with p99 <= --p99 in "
                + "virtual time (the scheduler's own code, run times drawn from the profile, no HTTP).")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "scorer", description = "Demo model to profile (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--policies", defaultValue = "none,window:2ms,window:10ms,slo", split = ",",
            description = "Policies to compare (default ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = "--rows-per-request", defaultValue = "8", description = "Rows per request (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--budget", defaultValue = "50ms", description = "Each request's budget (default ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--p99", defaultValue = "47ms", description = "p99 limit in the scheduler; less than the budget to "
            + "leave room for what a real request also pays (default ${DEFAULT-VALUE}).")
    String p99;

    @Option(names = "--max-shed", defaultValue = "0.01", description = "Largest shed fraction (default ${DEFAULT-VALUE}).")
    double maxShed;

    @Option(names = "--stretch", defaultValue = "1", description = "Runs take this many times their profiled time "
            + "(default ${DEFAULT-VALUE}).")
    double stretch;

    @Option(names = "--stalls", defaultValue = "0", description = "Share of runs held up by a pause "
            + "(default ${DEFAULT-VALUE}).")
    double stalls;

    @Option(names = "--stall", defaultValue = "30ms", description = "Mean length of such a pause; each is drawn "
            + "between half and one and a half times it (default ${DEFAULT-VALUE}).")
    String stall;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds (arrivals and run times) per policy "
            + "(default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--start-rate", defaultValue = "50", description = "First rate tried, req/s (default ${DEFAULT-VALUE}).")
    double startRate;

    /** One policy's highest passing rate for one seed, and the simulation that showed it. */
    record Highest(double rate, Simulation.Result result) {
    }

    @Override
    public Integer call() throws Exception {
        if (!DemoModels.NAMES.contains(model) || rows < 1 || seeds < 1 || stretch <= 0 || stalls < 0 || stalls > 1) {
            System.err.println("need a demo model " + DemoModels.NAMES + ", --rows-per-request >= 1, --seeds >= 1, "
                    + "--stretch > 0 and --stalls in [0, 1]");
            return 2;
        }
        Duration budgetTime = Durations.parse("--budget", budget);
        double limit = Durations.parse("--p99", p99).toNanos() / 1e9;
        long stallNanos = Durations.parse("--stall", stall).toNanos();
        Path dir = Files.createTempDirectory("batchwise-simulate");
        try {
            RawBenchCommand.writeDemo(dir, model);
            ModelSource source = new ModelRepository(dir).read(model);
            ModelConfig base = source.config();
            int instances = base.instances();
            System.out.printf(Locale.ROOT, "profiling %s (%d instance(s) x %d thread(s)) ...%n", model, instances,
                    base.intraOpThreads());
            Profile profile = new Profiler(OnnxRuntime.create(), System.out::println)
                    .profile(source, Profiler.Options.defaults(List.of(instances)));
            List<Profile.Point> points = profile.pointsFor(instances);
            double ceiling = points.stream().mapToDouble(p -> p.rowsPerSecond() * instances).max().orElse(0);
            Simulation.ServiceTime service = service(ServiceCurve.of(points), stretch, stalls, stallNanos);
            System.out.printf(Locale.ROOT, "%nsimulated: runs %.2fx the profile, %.2f%% of them stalled by about %s; "
                    + "%d rows/request, budget %s, p99 <= %s in the scheduler, <= %.0f%% shed%n", stretch,
                    100 * stalls, stall, rows, budget, p99, 100 * maxShed);
            System.out.printf(Locale.ROOT, "ceiling (the profile's best rows/s, every instance): %.0f rows/s; with the "
                    + "stretch %.0f%n%n", ceiling, ceiling / stretch);
            System.out.printf(Locale.ROOT, "%-14s %-24s %10s %10s %10s %10s %10s%n", "policy", "req/s by seed", "median",
                    "rows/s", "/ceiling", "rows/run", "x none");
            double none = Double.NaN;
            for (String text : policies) {
                ModelConfig config = withPolicy(base, text);
                double[] rates = new double[seeds];
                double[] rowsPerRun = new double[seeds];
                for (int s = 0; s < seeds; s++) {
                    Highest h = highest(config, instances, service, rows, budgetTime, limit, maxShed, startRate, s + 1);
                    rates[s] = h.rate();
                    rowsPerRun[s] = h.result() == null ? 0 : h.result().meanBatchRows();
                }
                double median = RawBenchCommand.median(rates);
                if (text.equals("none")) {
                    none = median;
                }
                System.out.printf(Locale.ROOT, "%-14s %-24s %10.0f %10.0f %9.0f%% %10.1f %10s%n", text,
                        Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()), median, median * rows,
                        100 * median * rows / (ceiling / stretch), RawBenchCommand.median(rowsPerRun),
                        Double.isNaN(none) || none == 0 ? "" : String.format(Locale.ROOT, "%.1fx", median / none));
            }
            return 0;
        } finally {
            RawBenchCommand.deleteRecursively(dir);
        }
    }

    /** Run times from {@code curve}, {@code stretch} times as long, {@code stalls} of them held up by a pause. */
    static Simulation.ServiceTime service(ServiceCurve curve, double stretch, double stalls, long stallNanos) {
        return (n, random) -> {
            long t = Math.round(curve.nanos(n, random) * stretch);
            if (stalls > 0 && random.nextDouble() < stalls) {
                t += Math.round(stallNanos * (0.5 + random.nextDouble()));
            }
            return t;
        };
    }

    /**
     * {@code base} with the batching policy {@code text}: none, slo or window:DELAY, read as
     * {@code bench sweep} reads it ({@link PolicySweep.Policy}), so both commands run the same
     * policies.
     */
    static ModelConfig withPolicy(ModelConfig base, String text) {
        BatchingConfig policy = ModelConfigParser.parse("batching:\n" + PolicySweep.Policy.parse(text).batchingYaml(),
                base.name()).batching();
        return new ModelConfig(base.name(), base.maxBatchSize(), base.instances(), base.intraOpThreads(), base.device(),
                base.latencyTarget(), policy, base.queue(), base.pool(), base.tokenizer(), 0);
    }

    /**
     * The highest rate (req/s) at which a simulation holds p99 <= {@code limit} seconds with at
     * most {@code maxShed} shed: doubling from {@code startRate} until one fails, then five
     * bisection steps. Each probe simulates 30 s of arrivals (at least 5,000).
     */
    static Highest highest(ModelConfig config, int instances, Simulation.ServiceTime service, int rows, Duration budget,
                           double limit, double maxShed, double startRate, long seed) {
        double pass = 0;
        Simulation.Result best = null;
        double fail = Double.NaN;
        for (double rate = startRate; Double.isNaN(fail) && rate < 1e7; rate *= 2) {
            Simulation.Result r = probe(config, instances, service, rows, budget, rate, seed);
            if (holds(r, limit, maxShed)) {
                pass = rate;
                best = r;
            } else {
                fail = rate;
            }
        }
        for (int i = 0; i < 5 && !Double.isNaN(fail); i++) {
            double mid = (pass + fail) / 2;
            Simulation.Result r = probe(config, instances, service, rows, budget, mid, seed);
            if (holds(r, limit, maxShed)) {
                pass = mid;
                best = r;
            } else {
                fail = mid;
            }
        }
        return new Highest(pass, best);
    }

    private static Simulation.Result probe(ModelConfig config, int instances, Simulation.ServiceTime service, int rows,
                                           Duration budget, double rate, long seed) {
        long requests = Math.max(5_000, Math.round(rate * 30));
        return Simulation.run(config, instances, service,
                new Simulation.Load(rate, rows, budget, ServiceClass.INTERACTIVE, requests, seed));
    }

    private static boolean holds(Simulation.Result r, double limit, double maxShed) {
        return r.shedFraction() <= maxShed && r.p99Seconds() <= limit;
    }
}
