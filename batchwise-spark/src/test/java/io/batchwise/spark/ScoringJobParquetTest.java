package io.batchwise.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.ledger.PriceSheet;
import io.batchwise.onnx.DemoModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringJobParquetTest {
    private static final int ROWS = 40;
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path models;
    static Path onnx;
    static String input;

    @BeforeAll
    static void start() throws Exception {
        models = dir.resolve("models");
        DemoModels.writeTiny(models);
        onnx = models.resolve("tiny/1/model.onnx");
        spark = SparkSessions.shared();
        StructType schema = new StructType().add("custom_id", DataTypes.StringType)
                .add("input", new ArrayType(DataTypes.FloatType, true));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            float[] f = TestModels.features(i);
            Float[] boxed = new Float[i == 7 ? 15 : 16];
            for (int j = 0; j < boxed.length; j++) {
                boxed[j] = f[j];
            }
            rows.add(RowFactory.create("row-" + i, boxed));
        }
        input = dir.resolve("in.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(input);
    }

    private static JobOptions options(String out, long failAfter) {
        return new JobOptions("tiny", models.toString(), input, out, null, null, 8, null, null, true,
                PriceSheet.builtIn(), "cpu-spot", failAfter);
    }

    private static Map<String, Row> byId(String path) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : spark.read().parquet(path).collectAsList()) {
            Row previous = out.put(r.getString(0), r);
            assertNull(previous, "custom_id " + r.getString(0) + " appears twice in " + path);
        }
        return out;
    }

    private static void assertResult(String out) {
        Map<String, Row> output = byId(out + "/output");
        Map<String, Row> errors = byId(out + "/errors");
        assertEquals(ROWS - 1, output.size());
        assertEquals(1, errors.size());
        for (int i = 0; i < ROWS; i++) {
            if (i == 7) {
                Row bad = errors.get("row-7");
                assertNull(bad.get(bad.fieldIndex("output")));
                assertTrue(bad.<String>getAs("error").contains("hold 15 values"), bad.<String>getAs("error"));
                continue;
            }
            Row row = output.get("row-" + i);
            assertNull(row.get(row.fieldIndex("error")));
            List<Float> got = row.getList(row.fieldIndex("output"));
            float[] values = new float[got.size()];
            for (int j = 0; j < values.length; j++) {
                values[j] = got.get(j);
            }
            assertArrayEquals(TestModels.tinyScores(onnx, TestModels.features(i)), values, 1e-5f, "row-" + i);
        }
    }

    @Test
    void run_parquetInAndOut_writesEveryRowOnceWithTheRuntimesScores() throws Exception {
        String out = dir.resolve("out-plain").toString();
        JobSummary summary = ScoringJob.run(spark, options(out, -1));
        assertResult(out);
        assertEquals(ROWS - 1, summary.completed());
        assertEquals(1, summary.failed());
        assertEquals(ROWS - 1, summary.rows());
        JsonNode json = new ObjectMapper().readTree(Files.readString(Path.of(out, "summary.json")));
        assertEquals("cpu-spot", json.get("pool").asText());
        assertTrue(json.get("executor_seconds").asDouble() > 0, json.toString());
        assertTrue(json.get("cost_per_1k").asDouble() > 0, json.toString());
        assertEquals(2, json.get("slots_per_executor").asInt());
    }

    @Test
    void run_againWithTheFirstAttemptOfEveryTaskFailing_sameResultWithoutDuplicates() {
        String out = dir.resolve("out-retried").toString();
        ScoringJob.run(spark, options(out, -1));
        JobSummary retried = ScoringJob.run(spark, options(out, 5));
        assertResult(out);
        assertEquals(ROWS - 1, retried.completed(), "counters count the committed attempts only");
        assertEquals(1, retried.failed());
        assertTrue(retried.usage().failedAttempts() >= 1, "a task attempt failed and was retried");
    }

    @Test
    void run_repeatedCustomId_failsBeforeScoring() {
        String dup = dir.resolve("dup.parquet").toString();
        spark.read().parquet(input).union(spark.read().parquet(input).limit(1)).write().parquet(dup);
        JobOptions o = new JobOptions("tiny", models.toString(), dup, dir.resolve("out-dup").toString(), null, null,
                null, null, null, true, PriceSheet.builtIn(), null, -1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoringJob.run(spark, o));
        assertTrue(e.getMessage().contains("custom_id must be unique") && e.getMessage().contains("(2 times)"),
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("out-dup/output")));
    }
}
