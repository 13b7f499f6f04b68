package io.batchwise.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.model.Durations;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise bench}: an open-loop load run against a running server; subcommands measure
 * the raw ONNX Runtime ceiling and sweep batching policies side by side.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Open-loop load against a running server (Poisson arrivals, latency from intended send time).",
        subcommands = {RawBenchCommand.class, SweepCommand.class, SimulateCommand.class, JobBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8000", description = "Server URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--model", defaultValue = "scorer", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--rate", defaultValue = "200", description = "Requests per second, Poisson (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", defaultValue = "10s", description = "How long to send (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--budget", description = "Latency budget per request, sent as parameters.timeout (e.g. 50ms).")
    String budget;

    @Option(names = "--priority", description = "parameters.priority to send (interactive | deferred).")
    String priority;

    @Option(names = "--rows-per-request", defaultValue = "1", description = "Rows per request (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || rows <= 0) {
            throw new IllegalArgumentException("--rate and --rows-per-request must be > 0");
        }
        Duration d = Durations.parse("--duration", duration);
        Duration b = budget == null ? null : Durations.parse("--budget", budget);
        LoadResult r;
        try (LoadGenerator generator = new LoadGenerator(url)) {
            r = generator.run(new LoadGenerator.Load(model, rate, d, b, rows, priority, seed));
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.toJson(JSON)));
        } else {
            System.out.printf("model %s  rate %.0f/s for %.0fs  rows/request %d%n", model, rate, d.toMillis() / 1e3, rows);
            System.out.printf("sent %d  succeeded %d  shed %d (%.2f%%)  failed %d  achieved %.1f/s%n", r.sent(),
                    r.succeeded(), r.shed(), 100 * r.shedFraction(), r.failed(), r.achievedRate());
            System.out.printf("latency p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  mean rows/run %.1f  max send lag %.1f ms%n",
                    r.p50Ms(), r.p99Ms(), r.p999Ms(), r.meanRowsPerRun(), r.maxSendLagMs());
        }
        return 0;
    }
}
