package io.batchwise.cli;

import io.batchwise.jobs.BatchError;
import io.batchwise.jobs.BatchJob;
import io.batchwise.jobs.BatchStatus;
import io.batchwise.jobs.EmbeddingsEndpoint;
import io.batchwise.jobs.FileStore;
import io.batchwise.jobs.FullBatchRunner;
import io.batchwise.jobs.JobEngine;
import io.batchwise.jobs.JobSettings;
import io.batchwise.jobs.JobStore;
import io.batchwise.jobs.StoredFile;
import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.openai.KServeLines;
import io.batchwise.openai.OpenAiRoutes;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.schedule.Ticker;
import io.batchwise.text.Embeddings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise batch ...}: batch jobs without a server. */
@Command(name = "batch", mixinStandardHelpOptions = true, description = "Batch jobs without a server.",
        subcommands = {BatchCommand.Run.class})
final class BatchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code batchwise batch run}: runs a batch input file in-process, on this machine's whole
     * capacity and in full batches (no live traffic to protect), with the same engine,
     * checkpoints and line format as the server. Its state lives
     * in a directory next to the output; a rerun with the same arguments after a kill resumes
     * there, and the finished output is byte-identical to an uninterrupted run's.
     */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run a batch input file (JSONL of {custom_id, method, url, body}) offline; resumable.")
    static final class Run implements Callable<Integer> {
        /** The fixed batch id of offline runs: line ids derive from it, so reruns write the same bytes. */
        static final String BATCH_ID = "batch_offline";

        @Option(names = "--model", required = true, description = "Model the lines run on.")
        String model;

        @Option(names = "--in", required = true, description = "Input JSONL file.")
        Path in;

        @Option(names = "--out", required = true, description = "Output JSONL file (written when the run ends).")
        Path out;

        @Option(names = "--errors", description = "Error JSONL file (default: OUT with .errors.jsonl).")
        Path errors;

        @Option(names = "--models", defaultValue = "batchwise-data/models",
                description = "Model repository (default ${DEFAULT-VALUE}; demo models are generated there if empty).")
        Path models;

        @Option(names = "--endpoint", description = "The lines' url: /v2/models/MODEL/infer (default) or /v1/embeddings.")
        String endpoint;

        @Option(names = "--state", description = "Checkpoint directory (default: OUT.state); removed when the run ends.")
        Path state;

        @Option(names = "--in-flight", defaultValue = "0",
                description = "Rows queued at once (default: 8 x the model's max batch size x instances).")
        int inFlight;

        @Option(names = "--instances", description = "ONNX Runtime sessions of the model (default on CPU: one per "
                + "core, of one thread each; else the model's config).")
        Integer instances;

        @Option(names = "--threads", description = "intra_op_threads of each session (default on CPU: 1; else the "
                + "model's config).")
        Integer threads;

        @Option(names = "--checkpoint-lines", defaultValue = "5000",
                description = "Commit a checkpoint at least every this many lines (default ${DEFAULT-VALUE}); also every 0.5 s.")
        int checkpointLines;

        /** Sessions for throughput, as nobody waits on a single row here; the options override. */
        private ModelConfig layout(ModelConfig c) {
            if (instances == null && threads == null) {
                return c.forThroughput(Runtime.getRuntime().availableProcessors());
            }
            return c.withLayout(instances != null ? instances : c.instances(),
                    threads != null ? threads : c.intraOpThreads()).withoutBulkLane();
        }

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(in)) {
                System.err.println("no input file " + in);
                return 2;
            }
            Path errorsFile = errors != null ? errors : sibling(out, ".errors.jsonl");
            Path stateDir = state != null ? state : sibling(out, ".state");
            String path = endpoint != null ? endpoint : "/v2/models/" + model + "/infer";
            Map<String, String> identity = Map.of("in", in.toAbsolutePath().normalize().toString(),
                    "in_bytes", Long.toString(Files.size(in)), "model", model, "endpoint", path);
            ensureModels(models);
            long started = System.nanoTime();
            if ((instances != null && instances < 1) || (threads != null && threads < 1)) {
                System.err.println("--instances and --threads must be >= 1");
                return 2;
            }
            try (ModelRegistry registry = new ModelRegistry(new ModelRepository(models), OnnxRuntime.create(),
                    this::layout)) {
                LoadedModel m = registry.load(model);
                if (!m.ready()) {
                    System.err.println("model '" + model + "' failed to load: " + m.reason());
                    return 2;
                }
                int rows = inFlight > 0 ? inFlight : 8 * m.config().maxBatchSize() * m.config().instances();
                // A machine given to this job: no core is kept for live requests (validation, for one,
                // checks the file's parts on every core).
                JobSettings settings = JobSettings.defaults().withMaxInFlightRows(rows)
                        .withCheckpoints(checkpointLines, Duration.ofMillis(500)).withMaxLinesPerBatch(Long.MAX_VALUE)
                        .withCpuThreads(Runtime.getRuntime().availableProcessors());
                try (FullBatchRunner runner = new FullBatchRunner(registry);
                     JobStore store = JobStore.open(stateDir)) {
                    FileStore files = new FileStore(store, Clock.systemUTC());
                    JobEngine engine = new JobEngine(store, files, runner, List.of(new KServeLines(registry),
                            new EmbeddingsEndpoint(new Embeddings(registry))), OpenAiRoutes.rowFailures(),
                            Clock.systemUTC(), Ticker.systemTicker(), settings);
                    Thread hook = new Thread(engine::close, "batchwise-batch-shutdown");
                    Runtime.getRuntime().addShutdownHook(hook);
                    try {
                        BatchJob job = startOrResume(engine, store, files, identity, path);
                        if (job == null) {
                            return 2;
                        }
                        job = follow(engine, job.id(), started);
                        return deliver(job, files, errorsFile, errors != null, stateDir, store, started);
                    } finally {
                        engine.close();
                        try {
                            Runtime.getRuntime().removeShutdownHook(hook);
                        } catch (IllegalStateException ignored) {
                            // already shutting down
                        }
                    }
                }
            }
        }

        private static Path sibling(Path file, String suffix) {
            String name = file.getFileName().toString();
            String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
            return file.toAbsolutePath().resolveSibling(base + suffix);
        }

        private static void ensureModels(Path dir) throws IOException {
            if (!Files.isDirectory(dir) || isEmpty(dir)) {
                System.err.println("writing the demo models to " + dir);
                Files.createDirectories(dir);
                DemoModels.write(dir);
            }
        }

        private static boolean isEmpty(Path dir) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.findAny().isEmpty();
            }
        }

        /** The run's batch: resumed when the state directory holds this very run, else created. */
        private BatchJob startOrResume(JobEngine engine, JobStore store, FileStore files, Map<String, String> identity,
                                       String path) throws IOException {
            BatchJob existing = store.batch(BATCH_ID).orElse(null);
            if (existing != null) {
                if (!existing.metadata().equals(identity)) {
                    System.err.println("the state directory " + store.dir() + " belongs to another run ("
                            + existing.metadata() + "); remove it or pass --state");
                    return null;
                }
                System.err.println("resuming: " + existing.counts().completed() + " + " + existing.counts().failed()
                        + " of " + existing.counts().total() + " lines were done");
                engine.start();
                return existing;
            }
            StoredFile input;
            try (InputStream s = Files.newInputStream(in)) {
                input = files.copyIn(s, FileStore.PURPOSE_BATCH, in.getFileName().toString());
            }
            return engine.create(BATCH_ID, input.id(), path, "3650d", identity);
        }

        /** Waits for the end, drawing progress (a bar on a terminal, a line every 5 s otherwise). */
        private static BatchJob follow(JobEngine engine, String id, long started) throws InterruptedException {
            boolean terminal = System.console() != null;
            PrintStream err = System.err;
            long lastLine = System.nanoTime();
            long startDone = -1;
            long startAt = 0;
            BatchJob job = engine.get(id);
            while (!job.status().terminal()) {
                Thread.sleep(terminal ? 200 : 500);
                job = engine.get(id);
                long done = job.counts().completed() + job.counts().failed();
                if (startDone < 0 && job.status() == BatchStatus.IN_PROGRESS) {
                    startDone = done;
                    startAt = System.nanoTime();
                }
                double seconds = (System.nanoTime() - startAt) / 1e9;
                double rate = startDone < 0 ? 0 : (done - startDone) / Math.max(seconds, 1e-3);
                String progress = progress(job, done, rate);
                if (terminal) {
                    err.print("\r" + progress);
                } else if (System.nanoTime() - lastLine >= 5_000_000_000L) {
                    err.println(progress);
                    lastLine = System.nanoTime();
                }
            }
            if (terminal) {
                err.println();
            }
            return job;
        }

        static String progress(BatchJob job, long done, double rate) {
            long total = job.counts().total();
            if (job.status() == BatchStatus.VALIDATING || total == 0) {
                return "validating...";
            }
            int width = 30;
            int filled = (int) Math.min(width, width * done / Math.max(1, total));
            long left = total - done;
            String eta = rate <= 0 ? "--:--" : clock((long) (left / rate));
            return String.format("[%s%s] %3d%% %d/%d lines %,.0f rows/s ETA %s", "#".repeat(filled),
                    " ".repeat(width - filled), 100 * done / Math.max(1, total), done, total, rate, eta);
        }

        private static String clock(long seconds) {
            return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                    : String.format("%d:%02d", seconds / 60, seconds % 60);
        }

        /** Moves the results to their paths, removes the state, reports; returns the exit code. */
        private int deliver(BatchJob job, FileStore files, Path errorsFile, boolean errorsAsked, Path stateDir,
                            JobStore store, long started) throws IOException {
            if (job.status() == BatchStatus.FAILED) {
                System.err.println("the input file is not a valid batch:");
                for (BatchError e : job.errors()) {
                    System.err.println("  " + (e.line() == null ? "" : "line " + e.line() + ": ") + e.code() + ": "
                            + e.message());
                }
                store.close();
                deleteTree(stateDir);
                return 1;
            }
            moveOrEmpty(files, job.outputFileId(), out, true);
            moveOrEmpty(files, job.errorFileId(), errorsFile, errorsAsked);
            store.close();
            deleteTree(stateDir);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.err.printf("%s: %d lines, %d ok, %d failed in %.1f s -> %s%s%n", job.status().wireName(),
                    job.counts().total(), job.counts().completed(), job.counts().failed(), seconds, out,
                    job.counts().failed() > 0 ? " (errors: " + errorsFile + ")" : "");
            return job.status() == BatchStatus.COMPLETED ? 0 : 3;
        }

        private static void moveOrEmpty(FileStore files, String fileId, Path target, boolean writeEmpty)
                throws IOException {
            Path dir = target.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            if (fileId != null) {
                Path source = files.content(fileId);
                if (Files.exists(source) || !Files.exists(target)) { // else moved by a run killed just after
                    Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } else if (writeEmpty) {
                Files.write(target, new byte[0]);
            } else {
                Files.deleteIfExists(target);
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
