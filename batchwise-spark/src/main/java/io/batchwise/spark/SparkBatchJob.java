package io.batchwise.spark;

import io.batchwise.ledger.PriceSheet;
import io.batchwise.ledger.PriceSheetParser;
import io.batchwise.model.InvalidConfig;
import io.batchwise.onnx.DemoModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The batch job's entry point, for {@code spark-submit --class io.batchwise.spark.SparkBatchJob}
 * and for {@code ./batchwise spark}, which runs it in-process on Spark's local mode.
 */
@Command(name = "batchwise spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score a batch input (JSONL in the Batches API line format, or Parquet) on Apache Spark.")
public final class SparkBatchJob implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model to run.")
    String model;

    @Option(names = "--models", defaultValue = "batchwise-data/models",
            description = "Model repository: a folder, or a Hadoop URI such as hdfs://... (default ${DEFAULT-VALUE}).")
    String models;

    @Option(names = "--in", required = true,
            description = "Input: JSONL file(s) of {custom_id, method, url, body}, or a Parquet dataset (*.parquet).")
    String in;

    @Option(names = "--out", required = true,
            description = "Output folder: output/, errors/, summary.json (replaced when it exists).")
    String out;

    @Option(names = "--master", description = "Spark master, e.g. local[2] (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--format", description = "jsonl or parquet, for input and output (default: parquet for"
            + " *.parquet, else jsonl).")
    JobFormat format;

    @Option(names = "--endpoint", description = "The JSONL lines' url: /v2/models/MODEL/infer (default) or"
            + " /v1/embeddings.")
    String endpoint;

    @Option(names = "--batch-size", description = "Rows per ONNX Runtime call (default: the model's max_batch_size).")
    Integer batchSize;

    @Option(names = "--intra-op-threads", description = "Threads per ONNX Runtime session (default: the model's).")
    Integer intraOpThreads;

    @Option(names = "--ship-model", arity = "1",
            description = "true: ship the model file with the job; false: executors read --models (shared storage)."
                    + " Default: ship unless the master is local.")
    Boolean shipModel;

    @Option(names = "--pricing", description = "Price sheet (YAML, the ledger's format; default: the built-in one).")
    Path pricing;

    @Option(names = "--pool", description = "Price sheet pool the executors are priced as (default: the model's pool).")
    String pool;

    @Option(names = "--no-validation", negatable = false,
            description = "Skip the pass that checks every line (well-formed, url, unique custom_id) before scoring.")
    boolean noValidation;

    @Option(names = "--fail-first-attempt-after", hidden = true, defaultValue = "-1",
            description = "Testing: the first attempt of every task fails after this many rows.")
    long failFirstAttemptAfter;

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command line and returns its exit code. */
    public static int run(String... args) {
        return new CommandLine(new SparkBatchJob()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    /** As {@code batch run} does: a missing or empty local repository gets the demo models. */
    private static void ensureDemoModels(String models) throws IOException {
        if (ModelLocator.isRemote(models)) {
            return;
        }
        Path dir = Path.of(models.startsWith("file:") ? java.net.URI.create(models).getPath() : models);
        boolean empty;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> children = Files.list(dir)) {
                empty = children.findAny().isEmpty();
            }
        } else {
            empty = !Files.exists(dir);
        }
        if (empty) {
            System.err.println("batchwise spark: writing the demo models to " + dir);
            Files.createDirectories(dir);
            DemoModels.write(dir);
        }
    }

    @Override
    public Integer call() throws Exception {
        JobOptions options;
        try {
            PriceSheet prices = pricing == null ? PriceSheet.builtIn() : PriceSheetParser.read(pricing);
            options = new JobOptions(model, models, in, out, format, endpoint, batchSize, intraOpThreads, shipModel,
                    !noValidation, prices, pool, failFirstAttemptAfter);
        } catch (IllegalArgumentException | InvalidConfig e) {
            System.err.println("batchwise spark: " + e.getMessage());
            return 2;
        }
        ensureDemoModels(models);
        SparkSession.Builder builder = SparkSession.builder().appName("batchwise " + model);
        if (master == null && System.getProperty("spark.master") == null) {
            master = "local[*]";
            System.err.println("batchwise spark: no --master (and not under spark-submit): running on local[*]");
        }
        if (master != null) {
            builder.master(master);
            if (master.startsWith("local")) {
                // the validation's shuffle of custom_ids: a few partitions suit one machine
                builder.config("spark.sql.shuffle.partitions", "4");
            }
        }
        SparkSession spark = builder.getOrCreate();
        try {
            JobSummary summary = ScoringJob.run(spark, options);
            System.out.print(summary.toText());
            return 0;
        } catch (Exception e) {
            // Scala throws AnalysisException (a checked exception to Java) without declaring it
            if (e instanceof IllegalArgumentException || e instanceof InvalidConfig || e instanceof AnalysisException) {
                System.err.println("batchwise spark: " + e.getMessage());
                return 2;
            }
            throw e;
        } finally {
            spark.stop();
        }
    }
}
