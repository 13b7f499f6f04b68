package io.batchwise.bench;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.jobs.BatchStatus;
import io.batchwise.model.Durations;
import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise bench jobs}: what batch jobs achieve against the ceiling.
 *
 * <ol>
 *   <li>Ceiling: raw ONNX Runtime rows/s of the model at its max batch size, every session
 *       running at once for {@code --seconds}, in two layouts: the model's configured one and the
 *       throughput layout {@code batch run} uses (one single-threaded session per core). The
 *       sustained rate (rows over wall-clock time) is what a job is held to, as a job is timed
 *       the same way; the median-run figure ({@code bench raw}'s) is printed beside it.</li>
 *   <li>Offline: a job file of random KServe lines through {@code batch run}'s engine and layout
 *       (JSON in, JSON out, checkpoints on), run untimed until the JIT is done with it and then timed from
 *       the first line to the last, {@code --rounds} times, with the throughput layout's ceiling
 *       measured again before the first round and after each: each round is held to the mean of
 *       the two readings beside it (or the configured layout's, if higher), so the machine's drift
 *       over a minute does not enter the ratio, and the median round is reported.</li>
 *   <li>Co-run ({@code --corun}): an in-process server, open-loop live requests at a share of the
 *       ceiling (Poisson, --rows-per-request rows each) for a while alone, then again with a batch running. It
 *       reports live p99 with and without the batch, and the bulk rows the scheduler ran during
 *       the second window as a share of the idle capacity: what the CPU the machine left idle
 *       with live traffic alone (from /proc/stat) would run at the bulk lane's CPU time per row
 *       at the ceiling. Beside it, their share of the configured layout's sustained ceiling
 *       less the live rows/s, a reading that takes live rows to cost what full batches cost.</li>
 * </ol>
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Batch job throughput vs the raw ONNX Runtime ceiling; with --corun, live p99 beside a job.")
public final class JobBenchCommand implements Callable<Integer> {
    private static final Pattern BULK_ROWS = Pattern.compile(
            "batchwise_rows_total\\{[^}]*model=\"([^\"]+)\"[^}]*class=\"bulk\"[^}]*} (\\d+)");


    @Option(names = "--model", defaultValue = "scorer", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--models", description = "Model repository (default: the demo model, generated into a temporary directory).")
    Path models;

    @Option(names = "--lines", defaultValue = "10000", description = "Lines of the offline job (default ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Timed offline jobs, each between two ceiling readings (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "3", description = "Measuring time of the ceiling (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--corun", description = "Also measure live traffic beside a batch in a server.")
    boolean corun;

    @Option(names = "--load", defaultValue = "0.3", description = "Live rows/s as a share of the ceiling (default ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--rate", description = "Live requests per second (default: --load x the ceiling / --rows-per-request).")
    Double rate;

    @Option(names = "--rows-per-request", defaultValue = "8",
            description = "Rows per live request (default ${DEFAULT-VALUE}: at 30%% of a fast model's ceiling, one-row "
                    + "requests would make the benchmark one of the HTTP path on a small machine).")
    int rowsPerRequest;

    @Option(names = "--window", defaultValue = "10s", description = "Length of each co-run window (default ${DEFAULT-VALUE}).")
    String window;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("batchwise-bench-jobs");
        try {
            Path repo = models;
            if (repo == null) {
                repo = work.resolve("models");
                Files.createDirectories(repo);
                writeDemo(repo, model);
            }
            Path input = work.resolve("in.jsonl");
            int cores = Runtime.getRuntime().availableProcessors();
            RawCeiling configured;
            RawCeiling throughput;
            OfflineRounds.Result offline;
            try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create())) {
                configured = RawCeiling.measure(load(registry), seconds, seed);
            }
            try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create(),
                    c -> c.forThroughput(cores))) {
                LoadedModel m = load(registry);
                throughput = RawCeiling.measure(m, seconds, seed);
                System.out.printf(Locale.ROOT, "ceiling: %s at max batch %d, raw ONNX Runtime, every session running:%n",
                        model, m.config().maxBatchSize());
                System.out.printf(Locale.ROOT, "  configured layout (%s): %.0f rows/s sustained (%.0f by the median run)%n",
                        configured.layout(), configured.sustained(), configured.medianRun());
                System.out.printf(Locale.ROOT, "  throughput layout (%s, as batch run uses): %.0f rows/s sustained "
                        + "(%.0f by the median run)%n", throughput.layout(), throughput.sustained(), throughput.medianRun());
                writeLines(input, m, lines);
                offline = new OfflineRounds(rounds, seconds, seed).run(registry, m, input, work.resolve("offline"),
                        configured.sustained());
            }
            System.out.printf(Locale.ROOT, "offline job: %d lines, median of %d rounds: %.0f rows/s = %.0f%% of "
                    + "the best sustained ceiling beside it (rounds: %s)%n", lines, rounds, offline.medianRate(),
                    100 * offline.medianShare(), offline.shares());
            System.out.printf(Locale.ROOT, "  from the job's creation (validation included): %.0f rows/s = %.0f%% of that "
                    + "ceiling (median round)%n", offline.validatedRate(), 100 * offline.validatedShare());
            System.out.printf(Locale.ROOT, "CPU per row: %.0f us at the ceiling (throughput layout), %.0f us in the job "
                    + "(JSON in and out, checkpoints) = %.0f%%%n", offline.ceilingCpuMicros(), offline.cpuMicros(),
                    100 * offline.ceilingCpuMicros() / offline.cpuMicros());
            if (!offline.threads().isEmpty()) {
                System.out.printf(Locale.ROOT, "  per row, by thread (CPU, minor page faults): %s%n",
                        offline.threads());
            }
            System.out.printf(Locale.ROOT, "  heap allocated by the job threads: %.1f KB per row; over the timed rounds "
                    + "and ceilings, %s%n", offline.allocatedPerRow() / 1024, offline.pauses());
            double ceiling = configured.sustained();
            if (corun) {
                corun(repo, work.resolve("server"), input, ceiling, offline.ceilingCpuMicros());
            }
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void writeDemo(Path dir, String name) throws IOException {
        switch (name) {
            case "scorer" -> DemoModels.writeScorer(dir);
            case "embedder" -> DemoModels.writeEmbedder(dir);
            case "tiny" -> DemoModels.writeTiny(dir);
            default -> throw new IllegalArgumentException("no demo model '" + name + "'; pass --models");
        }
    }

    private LoadedModel load(ModelRegistry registry) {
        LoadedModel m = registry.load(model);
        if (!m.ready()) {
            throw new IllegalStateException("model " + model + " failed to load: " + m.reason());
        }
        return m;
    }

    /** One KServe JSON line per row of random data. */
    private void writeLines(Path file, LoadedModel m, int count) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        String url = "/v2/models/" + m.name() + "/infer";
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                w.write("{\"custom_id\":\"r" + i + "\",\"method\":\"POST\",\"url\":\"" + url + "\",\"body\":{\"inputs\":[");
                boolean first = true;
                for (TensorSpec s : m.signature().inputs()) {
                    long[] shape = s.shape();
                    shape[0] = 1;
                    int n = 1;
                    for (int d = 1; d < shape.length; d++) {
                        shape[d] = shape[d] < 0 ? 1 : shape[d];
                        n *= (int) shape[d];
                    }
                    w.write((first ? "" : ",") + "{\"name\":\"" + s.name() + "\",\"datatype\":\"" + s.type()
                            + "\",\"shape\":" + Arrays.toString(shape).replace(" ", "") + ",\"data\":[");
                    for (int j = 0; j < n; j++) {
                        if (j > 0) {
                            w.write(',');
                        }
                        if (s.type() == DataType.INT64) {
                            w.write(Integer.toString(random.nextInt(1, 100)));
                        } else {
                            writeFixed5(w, random.nextDouble(-1, 1));
                        }
                    }
                    w.write("]}");
                    first = false;
                }
                w.write("]}}\n");
            }
        }
    }

    /**
     * Writes {@code v} (|v| < 1) with five decimals, as {@code %.5f} would (except that a value
     * that rounds to zero is written {@code 0.00000}, never {@code -0.00000}), without a Formatter
     * per number: formatting was most of the time taken to write a large job file.
     */
    static void writeFixed5(java.io.Writer w, double v) throws IOException {
        long scaled = Math.round(Math.abs(v) * 100_000);
        if (v < 0 && scaled != 0) {
            w.write('-');
        }
        w.write(Long.toString(scaled / 100_000));
        w.write('.');
        String frac = Long.toString(100_000 + scaled % 100_000);
        w.write(frac, 1, 5);
    }

    private void corun(Path repo, Path data, Path input, double ceiling, double laneCpuMicrosPerRow) throws Exception {
        Duration d = Durations.parse("--window", window);
        double rate = this.rate != null ? this.rate : load * ceiling / rowsPerRequest;
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(repo, data));
             LoadGenerator live = new LoadGenerator("http://127.0.0.1:" + server.port())) {
            String url = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newHttpClient();
            String file = upload(http, url, input);
            warmUp(server, live, http, url, file, rate);
            MachineIdle before = MachineIdle.read();
            LoadResult alone;
            GcPauses pausesAlone;
            try (GcPauses gc = GcPauses.start()) {
                alone = live.run(new LoadGenerator.Load(model, rate, d, null, rowsPerRequest, null, seed));
                pausesAlone = gc;
            }
            double idleShare = before.idleShareUntil(MachineIdle.read());
            List<String> batches = new ArrayList<>();
            // enough rows to outlast the window even if the job took all the idle capacity
            double windowSeconds = (d.toMillis() + LoadGenerator.warmUp(d).toMillis()) / 1e3;
            int copies = (int) Math.ceil(1.5 * ceiling * windowSeconds / lines) + 1;
            for (int i = 0; i < copies; i++) {
                batches.add(createBatch(http, url, file));
            }
            while (server.jobs().get(batches.get(0)).status() != BatchStatus.IN_PROGRESS) {
                Thread.sleep(5);
            }
            long bulkBefore = bulkRows(server);
            long t0 = System.nanoTime();
            LoadResult beside;
            GcPauses pausesBeside;
            try (GcPauses gc = GcPauses.start()) {
                beside = live.run(new LoadGenerator.Load(model, rate, d, null, rowsPerRequest, null, seed + 1));
                pausesBeside = gc;
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double bulkRate = (bulkRows(server) - bulkBefore) / elapsed;
            boolean outlasted = false;
            for (String id : batches) {
                if (server.jobs().get(id).status() == BatchStatus.IN_PROGRESS) {
                    outlasted = true;
                    server.jobs().cancel(id);
                }
            }
            if (!outlasted) {
                System.out.println("  warning: the batches finished before the window ended; the idle-capacity share "
                        + "below is a lower bound (use more --lines)");
            }
            double liveRate = beside.succeeded() * rowsPerRequest / beside.durationSeconds();
            double idle = Math.max(1, ceiling - liveRate);
            System.out.printf(Locale.ROOT, "co-run: live %.0f rows/s (%.0f%% of the ceiling; %.0f requests/s of %d rows), "
                    + "%s for %s per window%n", rate * rowsPerRequest, 100 * rate * rowsPerRequest / ceiling, rate,
                    rowsPerRequest, model, window);
            System.out.printf(Locale.ROOT, "  alone:       p50 %.2f ms  p99 %.2f ms  shed %.2f%%  (%s)%n", alone.p50Ms(),
                    alone.p99Ms(), 100 * alone.shedFraction(), pausesAlone);
            System.out.printf(Locale.ROOT, "  beside job:  p50 %.2f ms  p99 %.2f ms  shed %.2f%%  (p99 %+.0f%%; %s)%n",
                    beside.p50Ms(), beside.p99Ms(), 100 * beside.shedFraction(),
                    100 * (beside.p99Ms() / alone.p99Ms() - 1), pausesBeside);
            // The idle capacity is what the cores left idle beside live traffic alone (HTTP, JSON and
            // this load generator included) could run at the bulk lane's CPU time per row at the
            // ceiling. The ceiling less the live rows is printed beside it: it takes live rows to
            // cost what rows at the max batch cost, and they cost more, so it counts part of the
            // CPU that live traffic uses as idle.
            String lessLive = String.format(Locale.ROOT, "%.0f%% of the ceiling less the live rows (%.0f rows/s, which "
                    + "counts live rows at what full batches cost)", 100 * bulkRate / idle, idle);
            if (!Double.isNaN(idleShare)) {
                int cores = Runtime.getRuntime().availableProcessors();
                double idleCpu = idleShare * cores * 1e6 / laneCpuMicrosPerRow;
                System.out.printf(Locale.ROOT, "  job: %.0f bulk rows/s = %.0f%% of the idle capacity (the cores were "
                        + "%.0f%% idle with live traffic alone: %.0f rows/s at the bulk lane's %.0f us of CPU per row)%n",
                        bulkRate, 100 * bulkRate / idleCpu, 100 * idleShare, idleCpu, laneCpuMicrosPerRow);
                System.out.println("       = " + lessLive);
            } else {
                System.out.printf(Locale.ROOT, "  job: %.0f bulk rows/s = %s (no /proc/stat here to read the idle "
                        + "capacity from)%n", bulkRate, lessLive);
            }
        }
    }

    /**
     * Warms the server the way the offline run is warmed: live traffic beside a batch, in rounds of
     * five seconds, until the JIT compiled for less than 3% of a round (the server's HTTP and
     * job paths are code the offline run never ran), so that neither window below measures this
     * machine's compiler. The learned t(n) settles at this load meanwhile.
     */
    private void warmUp(BatchwiseServer server, LoadGenerator live, HttpClient http, String url, String file,
                        double rate) throws Exception {
        JitWarmUp.untilQuiet(round -> {
            String batch = createBatch(http, url, file);
            live.run(new LoadGenerator.Load(model, rate, Duration.ofSeconds(5), null, rowsPerRequest, null,
                    seed + 1000 + round));
            if (!server.jobs().get(batch).status().terminal()) {
                try {
                    server.jobs().cancel(batch);
                } catch (io.batchwise.jobs.JobConflict finishedMeanwhile) {
                    // nothing left to cancel
                }
            }
            while (!server.jobs().get(batch).status().terminal()) {
                Thread.sleep(5);
            }
        }, "co-run warm-up: %d round(s) of live traffic beside a batch; the JIT compiled for %.0f%% of the last "
                + "one%n", System.out::print);
    }

    private static long bulkRows(BatchwiseServer server) {
        StringBuilder text = new StringBuilder();
        server.metrics().writeTo(text);
        long rows = 0;
        Matcher m = BULK_ROWS.matcher(text);
        while (m.find()) {
            rows += Long.parseLong(m.group(2));
        }
        return rows;
    }

    private static String upload(HttpClient http, String url, Path input) throws Exception {
        String boundary = "----batchwise-bench";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, Files.readAllBytes(input), tail))).build(),
                HttpResponse.BodyHandlers.ofString());
        return field(res, "id");
    }

    private String createBatch(HttpClient http, String url, String file) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/batches"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"" + file + "\",\"endpoint\":"
                        + "\"/v2/models/" + model + "/infer\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return field(res, "id");
    }

    private static String field(HttpResponse<String> res, String name) throws IOException {
        if (res.statusCode() != 200) {
            throw new IOException("HTTP " + res.statusCode() + ": " + res.body());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.body()).get(name).asText();
    }
}
