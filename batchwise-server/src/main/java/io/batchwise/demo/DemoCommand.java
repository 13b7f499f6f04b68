package io.batchwise.demo;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.http.HttpOptions;
import io.batchwise.ledger.PriceSheet;
import io.batchwise.model.Durations;
import io.batchwise.model.InvalidConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise demo}: the batch-vs-real-time table, measured live. Starts the server in
 * process on a free loopback port with the built-in price sheet, drives the demo scorer through
 * each serving mode, prints the table and the planner's advice, writes an HTML report, and
 * leaves nothing running.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure what each serving mode costs on this machine: real-time, micro-batch, near-real-time,"
                + " a batch job, and the job alongside live traffic, all on the demo scorer served by the real server"
                + " (in process, on a free loopback port, built-in price sheet). Prints the table and the planner's"
                + " advice, and writes an HTML report with charts.")
public final class DemoCommand implements Callable<Integer> {
    private static final Duration MIN_DURATION = Duration.ofSeconds(5);

    @Option(names = "--duration", defaultValue = "60s", description = "Length of the measured phases (default ${DEFAULT-VALUE}): the three live phases get 18%% each,"
                    + " the batch job is sized to fit the rest alone and beside live traffic; on a busy machine the"
                    + " batch phases can run over. Start-up comes on top.")
    String duration;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the numbers as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "HTML report (default DATA/demo/report.html).")
    Path report;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "batchwise-data",
            description = "State directory: demo models in DIR/models (generated if missing), the demo's in DIR/demo"
                    + " (default ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() throws Exception {
        Duration d;
        try {
            d = Durations.parse("--duration", duration);
        } catch (InvalidConfig e) {
            return usageError(e.getMessage());
        }
        if (d.compareTo(MIN_DURATION) < 0) {
            return usageError("--duration: must be at least 5s to measure five modes (got " + duration + ")");
        }
        PrintStream out = System.out;
        Path dataDir = data.toAbsolutePath().normalize();
        Path reportFile = (report != null ? report : dataDir.resolve("demo").resolve("report.html")).toAbsolutePath();
        out.printf(Locale.ROOT, "batchwise demo: the demo scorer in five serving modes on this machine, %s of traffic%n",
                Durations.format(d));
        // The server's own INFO lines would interleave with the demo's progress; warnings still show.
        Logger quiet = Logger.getLogger("io.batchwise");
        Level level = quiet.getLevel();
        quiet.setLevel(Level.WARNING);
        long begin = System.nanoTime();
        DemoResult result;
        Path state = null;
        try {
            if (!Files.isRegularFile(dataDir.resolve("models").resolve("scorer").resolve("1").resolve("model.onnx"))) {
                out.println("  generating the demo models into " + dataDir.resolve("models") + " (first run only) ...");
            }
            Path repo = DemoRepository.prepare(dataDir);
            state = Files.createTempDirectory(Files.createDirectories(dataDir.resolve("demo")), "run-");
            ServerSettings settings = new ServerSettings(new HttpOptions("127.0.0.1", 0, HttpOptions.DEFAULT_MAX_BODY),
                    repo, state, null);
            try (BatchwiseServer server = BatchwiseServer.start(settings)) {
                out.printf(Locale.ROOT, "  server on http://127.0.0.1:%d serving %s, %s, %s (%s), ready after %.1f s%n",
                        server.port(), DemoRepository.REAL_TIME, DemoRepository.LIVE, DemoRepository.BATCH, repo,
                        (System.nanoTime() - begin) / 1e9);
                result = new DemoRun(server, d, state, out::println).run();
            }
        } finally {
            quiet.setLevel(level);
            deleteTree(state);
        }
        String spot = spotNote(result);
        out.println();
        out.print(DemoTable.modes(result));
        out.println();
        out.print(DemoTable.notes(result, spot));
        out.println();
        out.println("planner (built-in workload inventory, the scorer's latency curve from this run, the same prices):");
        out.print(DemoTable.plan(result.plan()));
        Files.createDirectories(reportFile.getParent());
        Files.writeString(reportFile, DemoHtml.write(result, spot), StandardCharsets.UTF_8);
        out.println();
        out.println("report: " + reportFile);
        if (json != null) {
            Path j = json.toAbsolutePath();
            if (j.getParent() != null) {
                Files.createDirectories(j.getParent());
            }
            Files.writeString(j, DemoJson.write(result), StandardCharsets.UTF_8);
            out.println("json:   " + j);
        }
        out.printf(Locale.ROOT, "done in %.0f s (load average now %s); the server is stopped.%n",
                (System.nanoTime() - begin) / 1e9, DemoRun.loadAverage());
        return 0;
    }

    /** A user's mistake: one line on stderr and exit code 2, not a stack trace. */
    private static int usageError(String message) {
        System.err.println("error: " + message);
        return 2;
    }

    /** What the batch job would cost per 1k on the spot twin of its pool, when the sheet has one. */
    private static String spotNote(DemoResult r) {
        PriceSheet sheet = PriceSheet.builtIn();
        DemoResult.ModeLine batch = r.mode(DemoMode.BATCH);
        var onDemand = sheet.pool("cpu-on-demand");
        var spot = sheet.pool("cpu-spot");
        if (onDemand.isEmpty() || spot.isEmpty() || Double.isNaN(batch.costPer1k())) {
            return null;
        }
        return String.format(Locale.ROOT, "spot: batch work checkpoints and resumes, so it may run on %s (%s %.4f/h vs"
                        + " %.4f/h on demand): the batch job would cost %s %s per 1k rows there, before preemption overhead.",
                spot.get().name(), r.currency(), spot.get().pricePerHour(), onDemand.get().pricePerHour(), r.currency(),
                DemoTable.money(batch.costPer1k() * spot.get().pricePerHour() / onDemand.get().pricePerHour()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
