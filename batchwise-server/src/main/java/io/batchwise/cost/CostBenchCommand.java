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
                + "(in-process server, same instance and price sheet).")
final class CostBenchCommand implements Callable<Integer> {
    @Option(names = "--models", description = "Model repository (default: the demo scorer, generated into a temp dir).")
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
        Path repo = models;
        if (repo == null) {
            repo = work.resolve("models");
            DemoModels.writeScorer(repo);
        }
        ServerSettings settings = new ServerSettings(new HttpOptions("127.0.0.1", 0, HttpOptions.DEFAULT_MAX_BODY),
                repo, work.resolve("data"), pricing);
        CostBench.Result r;
        try (BatchwiseServer server = BatchwiseServer.start(settings)) {
            System.out.printf(Locale.ROOT, "cost bench: %s, %d cores, %s per phase%n", model,
                    Runtime.getRuntime().availableProcessors(), d);
            r = CostBench.run(server, model, d, load);
        }
        String row = "%-12s %10s %8s %8s %12s %12s %9s %9s%n";
        System.out.printf(Locale.ROOT, row, "CLASS", "ROWS", "SECONDS", "UTIL", "COST", "COST/1K", "P50_MS", "P99_MS");
        for (CostBench.Phase p : new CostBench.Phase[] {r.interactive(), r.bulk()}) {
            System.out.printf(Locale.ROOT, row, p.name(), p.rows(), String.format(Locale.ROOT, "%.1f", p.seconds()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * p.utilization()),
                    String.format(Locale.ROOT, "%.3g", p.cost()), String.format(Locale.ROOT, "%.4g", p.costPer1k()),
                    Double.isNaN(p.p50Ms()) ? "-" : String.format(Locale.ROOT, "%.2f", p.p50Ms()),
                    Double.isNaN(p.p99Ms()) ? "-" : String.format(Locale.ROOT, "%.2f", p.p99Ms()));
        }
        System.out.printf(Locale.ROOT, "interactive at %.0f%% load costs %.1fx bulk per 1k rows%n", 100 * r.load(),
                r.ratio());
        return 0;
    }
}
