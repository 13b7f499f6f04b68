package io.batchwise.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.batchwise.jobs.InputLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A JSONL batch job: the Batches API's lines in, its output and error lines out, line for line
 * what {@code batch run} writes.
 *
 * <p>Three passes over the input. The first counts each partition's lines (physical ones, for
 * the "line N" of messages, and requests, for the ids). The second validates the whole file as
 * the Batches API does before a batch starts: every line well-formed with {@code url} equal to
 * the endpoint, every {@code custom_id} unique; any problem fails the job before anything is
 * scored (skippable). The third scores: each task numbers its lines from its partition's start,
 * so ids are the same however the file is split.
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
        JavaRDD<String> lines = lines(jsc, o.in());
        List<long[]> counts = lines.mapPartitionsWithIndex(JsonlScoring::count, false).collect();
        long[] firstNumber = new long[counts.size()];
        long[] firstIndex = new long[counts.size()];
        long physical = 0;
        long requests = 0;
        for (long[] c : counts) {
            firstNumber[(int) c[0]] = physical + 1;
            firstIndex[(int) c[0]] = requests;
            physical += c[1];
            requests += c[2];
        }
        if (requests == 0) {
            throw new IllegalArgumentException("the input " + o.in() + " has no requests");
        }
        phases.end("count_lines");
        if (o.validate()) {
            validate(spark, lines, firstNumber, endpoint);
            phases.end("validate");
        }
        int threads = o.intraOpThreads() != null ? o.intraOpThreads() : found.config().intraOpThreads();
        ModelFile file = ModelLocator.forExecutors(o.modelPath(), found, o.shipModel(), threads, spark.sparkContext());
        int batchSize = o.batchSize() != null ? o.batchSize() : found.config().maxBatchSize();
        LineJob job = new LineJob(BATCH_ID, endpoint, batchSize, file, counters);
        JavaRDD<Row> rows = lines.mapPartitionsWithIndex((partition, in) -> new LineScorer(in,
                firstNumber[partition], firstIndex[partition], job, ExecutorModels.lineModel(job.model())), false);
        return spark.createDataFrame(rows, LINES);
    }

    /**
     * The input's physical lines, split so that every task slot gets a share even of a small
     * file. A line that is not valid UTF-8 becomes null (an {@code invalid_json_line} error).
     */
    private static JavaRDD<String> lines(JavaSparkContext jsc, String in) {
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
                .values().map(JsonlScoring::decode);
    }

    private static String decode(Text text) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(text.getBytes(), 0, text.getLength())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code [partition, physical lines, requests]}. */
    private static Iterator<long[]> count(Integer partition, Iterator<String> lines) {
        long physical = 0;
        long requests = 0;
        while (lines.hasNext()) {
            String line = lines.next();
            physical++;
            requests += line != null && LineScorer.blank(line) ? 0 : 1;
        }
        return List.of(new long[] {partition, physical, requests}).iterator();
    }

    /**
     * Fails the job, before anything is scored, on any line the Batches API would reject when a
     * batch is created: malformed, or a url other than the endpoint, or a repeated custom_id.
     */
    private static void validate(SparkSession spark, JavaRDD<String> lines, long[] firstNumber, String endpoint) {
        StructType schema = new StructType().add("custom_id", DataTypes.StringType).add("line", DataTypes.LongType)
                .add("error", DataTypes.StringType);
        JavaRDD<Row> checked = lines.mapPartitionsWithIndex((partition, in) -> {
            List<Row> out = new ArrayList<>();
            long number = firstNumber[partition] - 1;
            while (in.hasNext()) {
                String text = in.next();
                number++;
                if (text != null && LineScorer.blank(text)) {
                    continue;
                }
                try {
                    out.add(RowFactory.create(InputLine.parse(text, number, endpoint).customId(), number, null));
                } catch (InputLine.Invalid e) {
                    out.add(RowFactory.create(null, number, e.error().message()));
                }
            }
            return out.iterator();
        }, false);
        Dataset<Row> ids = spark.createDataFrame(checked, schema).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<String> problems = new ArrayList<>();
            ids.filter(col("error").isNotNull()).orderBy("line").limit(MAX_ERRORS).collectAsList()
                    .forEach(r -> problems.add(r.getString(2)));
            ids.filter(col("custom_id").isNotNull()).groupBy("custom_id").agg(org.apache.spark.sql.functions.count("*").as("n"), min("line").as("first"))
                    .filter(col("n").gt(1)).orderBy("first").limit(MAX_ERRORS).collectAsList()
                    .forEach(r -> problems.add("custom_id '" + r.getString(0) + "' is used by " + r.getLong(1)
                            + " lines (first on line " + r.getLong(2) + "); each must be unique"));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("the input fails the Batches API's validation, so nothing was scored:\n  "
                        + problems.stream().collect(Collectors.joining("\n  ")));
            }
        } finally {
            ids.unpersist();
        }
    }
}
