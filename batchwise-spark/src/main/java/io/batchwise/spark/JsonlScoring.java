package io.batchwise.spark;

import io.batchwise.jobs.InputLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;

/**
 * A JSONL batch job: the Batches API's lines in, its output and error lines out, line for line
 * what {@code batch run} writes.
 *
 * <p>Two passes over the input. The first counts each partition's lines (physical ones, for
 * the "line N" of messages, and requests, for the ids) and validates the whole file as the
 * Batches API does before a batch starts: every line well-formed with {@code url} equal to the
 * endpoint, every {@code custom_id} unique (a shuffle of the ids); any problem fails the job
 * before anything is scored ({@code --no-validation} leaves only the counting). The second
 * scores: each task numbers its lines from its partition's start, so ids are the same however
 * the file is split.
 */
final class JsonlScoring {
    /** {@code batch run}'s batch id: line ids derive from it, so both engines write the same ids. */
    static final String BATCH_ID = "batch_offline";
    private static final int MAX_ERRORS = 10;
    private static final StructType LINES = new StructType().add("line", DataTypes.StringType, false)
            .add(OutputCommit.KIND, DataTypes.StringType, false);

    private JsonlScoring() {
    }

    static Dataset<Row> results(SparkSession spark, JobOptions o, ModelLocator.Found found, RowCounters counters,
                                Phases phases) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String endpoint = o.endpoint() != null ? o.endpoint() : "/v2/models/" + o.model() + "/infer";
        JavaRDD<byte[]> lines = lines(jsc, o.in());
        List<LineScan.Report> reports = o.validate() ? validate(jsc, lines, endpoint) : count(lines);
        long[] firstNumber = new long[reports.size()];
        long[] firstIndex = new long[reports.size()];
        long physical = 0;
        long requests = 0;
        for (LineScan.Report r : reports) {
            firstNumber[r.partition()] = physical + 1;
            firstIndex[r.partition()] = requests;
            physical += r.physical();
            requests += r.requests();
        }
        if (requests == 0) {
            throw new IllegalArgumentException("the input " + o.in() + " has no requests");
        }
        phases.end(o.validate() ? "count_and_validate" : "count_lines");
        int threads = o.intraOpThreads() != null ? o.intraOpThreads() : found.config().intraOpThreads();
        ModelFile file = ModelLocator.forExecutors(o.modelPath(), found, o.shipModel(), threads, spark.sparkContext());
        int batchSize = o.batchSize() != null ? o.batchSize() : found.config().maxBatchSize();
        LineJob job = new LineJob(BATCH_ID, endpoint, batchSize, file, counters, o.validate());
        JavaRDD<Row> rows = lines.mapPartitionsWithIndex((partition, in) -> new LineScorer(in,
                firstNumber[partition], firstIndex[partition], job, ExecutorModels.lineModel(job.model())), false);
        return spark.createDataFrame(rows, LINES);
    }

    /**
     * The input's physical lines, as bytes without their line ending, split so that every task
     * slot gets a share even of a small file.
     */
    private static JavaRDD<byte[]> lines(JavaSparkContext jsc, String in) {
        Configuration conf = new Configuration(jsc.hadoopConfiguration());
        try {
            Path path = new Path(in);
            long bytes = path.getFileSystem(conf).getContentSummary(path).getLength();
            long split = Math.max(64 << 10, (bytes + jsc.defaultParallelism() - 1) / Math.max(1, jsc.defaultParallelism()));
            conf.setLong("mapreduce.input.fileinputformat.split.maxsize", split);
        } catch (IOException e) {
            throw new UncheckedIOException("--in: cannot read " + in + ": " + e.getMessage(), e);
        }
        return jsc.newAPIHadoopFile(in, TextInputFormat.class, LongWritable.class, Text.class, conf)
                .values().map(text -> Arrays.copyOf(text.getBytes(), text.getLength()));
    }

    /** Each partition's line counts, in partition order. */
    private static List<LineScan.Report> count(JavaRDD<byte[]> lines) {
        return lines.mapPartitionsWithIndex((partition, in) -> {
            long physical = 0;
            long requests = 0;
            while (in.hasNext()) {
                physical++;
                requests += LineScorer.blank(in.next()) ? 0 : 1;
            }
            return List.of(new LineScan.Report(partition, physical, requests, List.of())).iterator();
        }, false).collect();
    }

    /**
     * Counts and validates in one pass: every partition parses its lines ({@link LineScan}) and
     * reports its counts and first invalid lines through an accumulator, while the valid lines'
     * custom_ids are shuffled to find repeats. Invalid lines are parsed again on the driver once
     * their numbers in the file are known, for the messages.
     *
     * @throws IllegalArgumentException naming up to ten invalid lines and ten repeated ids
     */
    private static List<LineScan.Report> validate(JavaSparkContext jsc, JavaRDD<byte[]> lines, String endpoint) {
        CollectionAccumulator<LineScan.Report> accumulator = jsc.sc().collectionAccumulator("batchwise line scan");
        List<Tuple2<String, long[]>> repeated = lines
                .mapPartitionsWithIndex((partition, in) -> new LineScan(partition, in, endpoint, accumulator), false)
                .mapToPair(t -> t)
                .reduceByKey(LineScan::merge)
                .filter(t -> t._2()[0] > 1)
                .take(MAX_ERRORS);
        // a partition recomputed after a lost shuffle reports twice, with the same numbers
        Map<Integer, LineScan.Report> byPartition = new TreeMap<>();
        accumulator.value().forEach(r -> byPartition.put(r.partition(), r));
        List<LineScan.Report> reports = new ArrayList<>(byPartition.values());
        long[] firstNumber = firstNumbers(reports);
        List<String> problems = invalidLines(reports, firstNumber, endpoint);
        repeated.stream()
                .sorted(Comparator.comparingLong(t -> firstNumber[(int) t._2()[1]] + t._2()[2]))
                .map(t -> "custom_id '" + t._1() + "' is used by " + t._2()[0] + " lines (first on line "
                        + (firstNumber[(int) t._2()[1]] + t._2()[2] - 1) + "); each must be unique")
                .forEach(problems::add);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the input fails the Batches API's validation, so nothing was scored:"
                    + "\n  " + String.join("\n  ", problems));
        }
        return reports;
    }

    /** The messages of the first invalid lines, numbered as in the file. */
    private static List<String> invalidLines(List<LineScan.Report> reports, long[] firstNumber, String endpoint) {
        List<String> problems = new ArrayList<>();
        for (LineScan.Report r : reports) {
            for (LineScan.Invalid line : r.invalid()) {
                if (problems.size() == MAX_ERRORS) {
                    return problems;
                }
                try {
                    InputLine.parse(line.bytes(), LineScorer.utf8(line.bytes()), firstNumber[r.partition()] + line.line() - 1,
                            endpoint);
                } catch (InputLine.Invalid e) {
                    problems.add(e.error().message());
                }
            }
        }
        return problems;
    }

    private static long[] firstNumbers(List<LineScan.Report> reports) {
        long[] first = new long[reports.size()];
        long physical = 0;
        for (LineScan.Report r : reports) {
            first[r.partition()] = physical + 1;
            physical += r.physical();
        }
        return first;
    }
}
