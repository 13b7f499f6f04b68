package io.batchwise.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.model.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise bench sweep}: the highest rate each batching policy sustains within a p99 limit. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Serve the scorer under several batching policies in one process and find, for each, the "
                + "highest open-loop rate with p99 <= --p99 and at most --max-shed shed.")
final class SweepCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--policies", defaultValue = "none,window:2ms,window:5ms,window:10ms,slo", split = ",",
            description = "Policies to compare (default ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = "--p99", defaultValue = "50ms", description = "p99 latency limit (default ${DEFAULT-VALUE}).")
    String p99;

    @Option(names = "--max-shed", defaultValue = "0.01", description = "Largest shed fraction (default ${DEFAULT-VALUE}).")
    double maxShed;

    @Option(names = "--probe", defaultValue = "5s", description = "Duration of each probe, longer at low rates until it"
            + " has sent 1,000 requests (default ${DEFAULT-VALUE}).")
    String probe;

    @Option(names = "--start-rate", defaultValue = "100", description = "First rate tried, req/s (default ${DEFAULT-VALUE}).")
    double startRate;

    @Option(names = "--rate", description = "Probe every policy at this one rate, --rounds times, interleaved, instead "
            + "of searching for each one's highest rate (req/s).")
    Double rate;

    @Option(names = "--rounds", defaultValue = "5", description = "With --rate: rounds; each runs every policy once on "
            + "the same arrivals (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--rows-per-request", defaultValue = "1", description = "Rows per request (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--instances", defaultValue = "1", description = "Sessions per model (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--intra-op-threads", defaultValue = "2", description = "Threads per session (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--work", description = "Work directory (default: a temporary one).")
    Path work;

    @Option(names = "--json", description = "Also print the results as JSON.")
    boolean json;

    @Option(names = "--in-process", description = "Send the requests straight to the server's scheduler instead of "
            + "over HTTP (same arrivals, budgets and tensors): what the policies reach without the HTTP path.")
    boolean inProcess;

    @Override
    public Integer call() throws Exception {
        Duration limit = Durations.parse("--p99", p99);
        double limitMs = limit.toNanos() / 1e6;
        Path dir = work != null ? work : Files.createTempDirectory("batchwise-sweep");
        PolicySweep sweep = new PolicySweep(Durations.parse("--probe", probe), limit, limitMs, maxShed,
                rows, System.out::println, inProcess);
        if (rate != null) {
            if (rate <= 0 || rounds < 1) {
                System.err.println("--rate must be > 0 and --rounds >= 1");
                return 2;
            }
            printRounds(sweep, limitMs, sweep.runAtRate(policies.stream().map(PolicySweep.Policy::parse).toList(), dir, instances,
                    threads, rate, rounds));
            return 0;
        }
        List<PolicySweep.Outcome> results = sweep.run(policies.stream().map(PolicySweep.Policy::parse).toList(), dir,
                instances, threads, startRate);
        System.out.printf("%nhighest rate with p99 <= %s and <= %.0f%% shed (rows/request %d, %s):%n", p99, 100 * maxShed,
                rows, inProcess ? "in process, no HTTP" : "over HTTP");
        System.out.printf("%-14s %10s %10s %10s %12s %10s %10s%n", "policy", "req/s", "rows/s", "p99 ms", "rows/run",
                "/beside", "/highest");
        double none = results.stream().filter(o -> o.policy().label().equals("none")).mapToDouble(PolicySweep.Outcome::bestRate)
                .findFirst().orElse(Double.NaN);
        ArrayNode arr = JSON.createArrayNode();
        for (PolicySweep.Outcome o : results) {
            LoadResult b = o.best();
            double rowsPerSecond = b == null ? 0 : b.achievedRate() * rows;
            System.out.printf("%-14s %10.0f %10.0f %10.2f %12.1f %9.0f%% %9.0f%%%s%n", o.policy().label(),
                    o.bestRate(), rowsPerSecond, b == null ? Double.NaN : b.p99Ms(), b == null ? 0 : b.meanRowsPerRun(),
                    100 * rowsPerSecond / o.ceilingBeside(), 100 * rowsPerSecond / sweep.ceiling(),
                    Double.isNaN(none) || none == 0 ? "" : String.format("   %.1fx none", o.bestRate() / none));
            ObjectNode n = arr.addObject().put("policy", o.policy().label()).put("best_rate", o.bestRate())
                    .put("rows_per_second", rowsPerSecond).put("raw_ceiling_rows_per_second", sweep.ceiling())
                    .put("raw_ceiling_beside_rows_per_second", o.ceilingBeside());
            if (b != null) {
                n.set("best", b.toJson(JSON));
            }
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
        }
        return 0;
    }

    private void printRounds(PolicySweep sweep, double limitMs, List<PolicySweep.Rounds> results) throws Exception {
        System.out.printf("%nat %.0f req/s, %d round(s), each policy once per round on the same arrivals (rows/request %d,"
                + " %s): probes holding p99 <= %s and <= %.0f%% shed, and medians over the rounds:%n", rate, rounds, rows,
                inProcess ? "in process, no HTTP" : "over HTTP", p99, 100 * maxShed);
        System.out.printf("%-14s %8s %10s %8s %10s %10s %10s%n", "policy", "holds", "p99 ms", "shed", "rows/run",
                "rows/s", "/ceiling");
        ArrayNode arr = JSON.createArrayNode();
        for (PolicySweep.Rounds r : results) {
            double rowsPerSecond = r.medianRowsPerSecond(rows);
            long holds = r.holds(limitMs, maxShed);
            System.out.printf("%-14s %5d/%-2d %10.2f %7.2f%% %10.1f %10.0f %9.0f%%%n", r.policy().label(),
                    holds, r.probes().size(), r.medianP99Ms(), 100 * r.medianShed(),
                    r.medianRowsPerRun(), rowsPerSecond, 100 * rowsPerSecond / sweep.ceiling());
            ObjectNode n = arr.addObject().put("policy", r.policy().label()).put("rate", rate)
                    .put("holds", holds).put("rounds", r.probes().size())
                    .put("median_p99_ms", r.medianP99Ms()).put("median_shed_fraction", r.medianShed())
                    .put("median_rows_per_run", r.medianRowsPerRun()).put("median_rows_per_second", rowsPerSecond)
                    .put("raw_ceiling_rows_per_second", sweep.ceiling());
            ArrayNode probes = n.putArray("probes");
            r.probes().forEach(x -> probes.add(x.toJson(JSON)));
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
        }
    }
}
