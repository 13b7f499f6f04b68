package io.batchwise.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.batchwise.ledger.Pool;
import io.batchwise.runtime.ModelSignature;
import io.batchwise.runtime.TensorSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A batch job on Spark: reads the input, scores it on the executors, commits
 * {@code OUT/output} and {@code OUT/errors} through Spark's committer, and writes
 * {@code OUT/summary.json} with what the job held, used and cost.
 */
final class ScoringJob {
    static final String CUSTOM_ID = "custom_id";
    static final String ERROR = "error";

    private ScoringJob() {
    }

    static JobSummary run(SparkSession spark, JobOptions o) {
        SparkContext sc = spark.sparkContext();
        CostMeter meter = CostMeter.start(sc);
        Phases phases = new Phases();
        RowCounters counters = RowCounters.register(sc);
        Pool pool;
        try {
            requireInput(sc, o.in());
            ModelLocator.Found found = ModelLocator.find(o.modelPath(), sc);
            pool = pool(o, found);
            phases.end("find_model");
            Dataset<Row> results = o.format() == JobFormat.PARQUET
                    ? parquet(spark, o, found, counters, phases)
                    : JsonlScoring.results(spark, o, found, counters, phases);
            if (o.failFirstAttemptAfter() >= 0) {
                results = FaultInjection.failFirstAttempts(results, o.failFirstAttemptAfter());
            }
            OutputCommit.write(results, o.out(), o.format(), phases);
        } catch (RuntimeException e) {
            meter.stop();
            throw e;
        }
        CostMeter.Usage usage = meter.stop();
        JobSummary summary = JobSummary.of(o.model(), o.in(), o.out(), counters.completed().value(),
                counters.failed().value(), counters.rows().value(), usage, o.prices(), pool, phases.seconds());
        write(sc, new Path(o.out(), "summary.json"), summary.toJson());
        return summary;
    }

    private static void requireInput(SparkContext sc, String in) {
        try {
            Path path = new Path(in);
            if (!path.getFileSystem(sc.hadoopConfiguration()).exists(path)) {
                throw new IllegalArgumentException("--in: no file or folder at " + in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--in: cannot read " + in + ": " + e.getMessage(), e);
        }
    }

    private static Pool pool(JobOptions o, ModelLocator.Found found) {
        String name = o.pool() != null ? o.pool() : found.config().pool();
        return o.prices().pool(name).orElseThrow(() -> new IllegalArgumentException("the price sheet has no pool '"
                + name + "'; its pools are " + o.prices().pools().keySet() + " (choose one with --pool)"));
    }

    /**
     * Parquet: a {@code custom_id} column and one column per model input, named after it
     * (numeric arrays, ML vectors or scalars); out: {@code custom_id}, one column per output and
     * {@code error} (null in {@code output/}, the reason in {@code errors/}).
     */
    private static Dataset<Row> parquet(SparkSession spark, JobOptions o, ModelLocator.Found found,
                                        RowCounters counters, Phases phases) {
        Dataset<Row> in = spark.read().parquet(o.in());
        ModelSignature signature = ModelLocator.signature(found);
        List<String> columns = Arrays.asList(in.columns());
        List<String> inputs = signature.inputs().stream().map(TensorSpec::name).toList();
        List<String> outputs = signature.outputs().stream().map(TensorSpec::name).toList();
        List<String> missing = new ArrayList<>(inputs);
        missing.add(0, CUSTOM_ID);
        missing.removeAll(columns);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the Parquet input " + o.in() + " lacks the columns " + missing
                    + "; it needs custom_id and one column per model input " + inputs + " (has " + columns + ")");
        }
        List<String> clash = new ArrayList<>(outputs);
        clash.retainAll(List.of(CUSTOM_ID, ERROR, OutputCommit.KIND));
        if (!clash.isEmpty()) {
            throw new IllegalArgumentException("model outputs " + clash + " clash with the job's own columns");
        }
        List<Column> needed = new ArrayList<>();
        needed.add(col(CUSTOM_ID));
        inputs.stream().filter(i -> !i.equals(CUSTOM_ID)).forEach(i -> needed.add(col(i)));
        Dataset<Row> selected = in.select(needed.toArray(new Column[0]));
        if (o.validate()) {
            DuplicateIds.check(selected.select(CUSTOM_ID));
            phases.end("validate");
        }
        String[] names = inputs.toArray(new String[0]);
        BatchwiseModel model = new BatchwiseModel().setModelPath(o.modelPath()).setInputCols(names)
                .setInputNames(names).setOutputNames(outputs.toArray(new String[0]))
                .setOutputCols(outputs.toArray(new String[0])).setErrorCol(ERROR).countInto(counters);
        configure(model, o);
        Dataset<Row> scored = model.transform(selected);
        List<Column> out = new ArrayList<>();
        out.add(col(CUSTOM_ID));
        outputs.forEach(name -> out.add(col(name)));
        out.add(col(ERROR));
        out.add(when(col(ERROR).isNull(), lit(OutputCommit.OUTPUT)).otherwise(lit(OutputCommit.ERRORS))
                .as(OutputCommit.KIND));
        return scored.select(out.toArray(new Column[0]));
    }

    static void configure(BatchwiseModel model, JobOptions o) {
        if (o.batchSize() != null) {
            model.setBatchSize(o.batchSize());
        }
        if (o.intraOpThreads() != null) {
            model.setIntraOpThreads(o.intraOpThreads());
        }
        if (o.shipModel() != null) {
            model.setShipModel(o.shipModel());
        }
    }

    private static void write(SparkContext sc, Path file, String text) {
        try {
            FileSystem fs = file.getFileSystem(sc.hadoopConfiguration());
            try (OutputStream out = fs.create(file, true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
