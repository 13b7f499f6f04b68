package io.batchwise.cost;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.http.HttpOptions;
import io.batchwise.model.Durations;
import io.batchwise.onnx.DemoModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise cost bench}: interactive at low load vs bulk at full load, cost per 1k rows. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure cost per 1k rows of interactive traffic at low load vs a bulk job at full load "
                + "(in-process server; the bulk phase runs on a batch deployment of the same model: same instances, "
                + "threads, pool and price sheet).")
final class CostBenchCommand implements Callable<Integer> {
    @Option(names = "--models", description = "Model repository holding --model (default: the demo scorer, generated into a temp dir).")
    Path models;

    @Option(names = "--model", defaultValue = "scorer", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--duration", defaultValue = "20s", description = "Length of each phase (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--load", defaultValue = "0.1",
            description = "Interactive arrival rate as a fraction of the one-row-per-run service rate (default ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--pricing", description = "Price sheet YAML (default: built-in).")
    Path pricing;

    @Override
    public Integer call() throws Exception {
        if (!(load > 0 && load <= 1)) {
            throw new IllegalArgumentException("--load must be in (0, 1] (got " + load + ")");
        }
        Duration d = Durations.parse("--duration", duration);
        Path work = Files.createTempDirectory("batchwise-cost-bench");
        Path repo = work.resolve("models");
        if (models == null) {
            DemoModels.writeScorer(repo);
        } else {
            copyModel(models.resolve(model), repo.resolve(model));
        }
        CostBench.batchDeployment(repo, model);
        ServerSettings settings = new ServerSettings(new HttpOptions("127.0.0.1", 0, HttpOptions.DEFAULT_MAX_BODY),
                repo, work.resolve("data"), pricing);
        CostBench.Result r;
        try (BatchwiseServer server = BatchwiseServer.start(settings)) {
            System.out.printf(Locale.ROOT, "cost bench: %s, %d cores, %s per phase%n", model,
                    Runtime.getRuntime().availableProcessors(), d);
            r = CostBench.run(server, model, d, load);
        } finally {
            deleteTree(work);
        }
        System.out.printf(Locale.ROOT, "one-row service time %.2f ms -> interactive rate %.1f/s, budget %d ms, shed %.1f%%;"
                + " system load average %.1f%n", r.oneRowSeconds() * 1e3, r.rate(), r.budget().toMillis(), 100 * r.shed(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String row = "%-12s %10s %9s %8s %8s %12s %12s %9s %9s%n";
        System.out.printf(Locale.ROOT, row, "CLASS", "ROWS", "ROWS/RUN", "SECONDS", "UTIL", "COST", "COST/1K", "P50_MS", "P99_MS");
        for (CostBench.Phase p : new CostBench.Phase[] {r.interactive(), r.bulk()}) {
            System.out.printf(Locale.ROOT, row, p.name(), p.rows(), String.format(Locale.ROOT, "%.1f", p.rowsPerRun()),
                    String.format(Locale.ROOT, "%.1f", p.seconds()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * p.utilization()),
                    String.format(Locale.ROOT, "%.3g", p.cost()), String.format(Locale.ROOT, "%.4g", p.costPer1k()),
                    Double.isNaN(p.p50Ms()) ? "-" : String.format(Locale.ROOT, "%.2f", p.p50Ms()),
                    Double.isNaN(p.p99Ms()) ? "-" : String.format(Locale.ROOT, "%.2f", p.p99Ms()));
        }
        System.out.printf(Locale.ROOT, "interactive at %.0f%% load costs %.1fx bulk per 1k rows%n", 100 * r.load(),
                r.ratio());
        return 0;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Links (or copies) a model folder into the bench's own repository. */
    private static void copyModel(Path from, Path to) throws java.io.IOException {
        if (!Files.isDirectory(from)) {
            throw new IllegalArgumentException("no model folder " + from);
        }
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
