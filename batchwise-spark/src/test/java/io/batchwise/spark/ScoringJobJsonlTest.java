package io.batchwise.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwise.cli.Main;
import io.batchwise.ledger.PriceSheet;
import io.batchwise.onnx.DemoModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job against `batch run` on the same JSONL input. */
class ScoringJobJsonlTest {
    private static final int LINES = 60;
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path models;
    static Path input;
    static Map<String, JsonNode> expectedOutput;
    static Map<String, JsonNode> expectedErrors;

    @BeforeAll
    static void start() throws Exception {
        models = dir.resolve("models");
        DemoModels.writeTiny(models);
        DemoModels.writeEmbedder(models);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            if (i == 10) {
                lines.add("");
            }
            if (i == 17) {
                lines.add(TestLines.line("line-" + i, i, 1).replace("[1,16]", "[1,15]"));
            } else {
                lines.add(TestLines.line("line-" + i, i, i == 23 ? 3 : 1));
            }
        }
        input = dir.resolve("in.jsonl");
        Files.write(input, lines);
        Path out = dir.resolve("batch-run/out.jsonl");
        Files.createDirectories(out.getParent());
        assertEquals(0, Main.run("batch", "run", "--model", "tiny", "--models", models.toString(), "--in",
                input.toString(), "--out", out.toString()));
        expectedOutput = TestLines.byCustomId(out);
        expectedErrors = TestLines.byCustomId(dir.resolve("batch-run/out.errors.jsonl"));
        assertEquals(LINES - 1, expectedOutput.size());
        assertEquals(1, expectedErrors.size());
        spark = SparkSessions.shared();
    }

    private static JobOptions options(Path in, String out, long failAfter) {
        return options(in, out, failAfter, null);
    }

    private static JobOptions options(Path in, String out, long failAfter, Boolean shipModel) {
        return new JobOptions("tiny", models.toString(), in.toString(), out, null, null, 8, null, shipModel, true,
                PriceSheet.builtIn(), null, failAfter);
    }

    /** Same lines by custom_id: same ids, statuses, error bodies; outputs equal to float precision. */
    private static void assertSameLines(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
            JsonNode want = e.getValue();
            JsonNode got = actual.get(e.getKey());
            assertEquals(want.get("id"), got.get("id"), e.getKey());
            assertEquals(want.get("error"), got.get("error"), e.getKey());
            JsonNode wantResponse = want.get("response");
            JsonNode gotResponse = got.get("response");
            assertEquals(wantResponse.get("status_code"), gotResponse.get("status_code"), e.getKey());
            assertEquals(wantResponse.get("request_id"), gotResponse.get("request_id"), e.getKey());
            assertSameJson(wantResponse.get("body"), gotResponse.get("body"), e.getKey());
        }
    }

    private static void assertSameJson(JsonNode want, JsonNode got, String where) {
        if (want.isNumber() && want.isFloatingPointNumber()) {
            assertEquals(want.asDouble(), got.asDouble(), 1e-6 * Math.max(1, Math.abs(want.asDouble())), where);
        } else if (want.isContainerNode()) {
            assertEquals(want.size(), got.size(), where);
            Iterator<String> names = want.fieldNames();
            if (want.isArray()) {
                for (int i = 0; i < want.size(); i++) {
                    assertSameJson(want.get(i), got.get(i), where + "[" + i + "]");
                }
            }
            while (names.hasNext()) {
                String n = names.next();
                assertSameJson(want.get(n), got.get(n), where + "." + n);
            }
        } else {
            assertEquals(want, got, where);
        }
    }

    @Test
    void run_sameInputAsBatchRun_writesTheSameLinesEachOnce() throws Exception {
        String out = dir.resolve("spark-plain").toString();
        JobSummary summary = ScoringJob.run(spark, options(input, out, -1));
        assertSameLines(expectedOutput, TestLines.byCustomId(Path.of(out, "output")));
        assertSameLines(expectedErrors, TestLines.byCustomId(Path.of(out, "errors")));
        assertEquals(LINES - 1, summary.completed());
        assertEquals(1, summary.failed());
        assertEquals(LINES - 1 + 2, summary.rows(), "line-23 carries 3 rows");
        assertTrue(Files.exists(Path.of(out, "summary.json")));
    }

    @Test
    void run_firstAttemptOfEveryTaskFailsMidway_retriedWithoutDuplicates() {
        String out = dir.resolve("spark-retried").toString();
        // shipped: the executors open the job's copy of the model, as on a cluster
        JobSummary summary = ScoringJob.run(spark, options(input, out, 7, true));
        assertSameLines(expectedOutput, TestLines.byCustomId(Path.of(out, "output")));
        assertSameLines(expectedErrors, TestLines.byCustomId(Path.of(out, "errors")));
        assertEquals(LINES - 1, summary.completed());
        assertTrue(summary.usage().failedAttempts() >= 1, "a task attempt failed and was retried");
    }

    @Test
    void run_embeddingsLines_sameAsBatchRun() throws Exception {
        Path in = dir.resolve("embed.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String input = i == 5 ? "[\"two\", \"texts\"]" : "\"text number " + i + "\"";
            lines.add("{\"custom_id\":\"e" + i + "\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
                    + "\"body\":{\"model\":\"" + (i == 9 ? "tiny" : "embedder") + "\",\"input\":" + input + "}}");
        }
        Files.write(in, lines);
        Path expected = dir.resolve("batch-run-embed/out.jsonl");
        Files.createDirectories(expected.getParent());
        assertEquals(0, Main.run("batch", "run", "--model", "embedder", "--endpoint", "/v1/embeddings", "--models",
                models.toString(), "--in", in.toString(), "--out", expected.toString()));
        String out = dir.resolve("spark-embed").toString();
        JobSummary summary = ScoringJob.run(spark, new JobOptions("embedder", models.toString(), in.toString(), out,
                null, "/v1/embeddings", null, null, null, true, PriceSheet.builtIn(), null, -1));
        Map<String, JsonNode> output = TestLines.byCustomId(Path.of(out, "output"));
        Map<String, JsonNode> errors = TestLines.byCustomId(Path.of(out, "errors"));
        assertSameLines(TestLines.byCustomId(expected), output);
        assertSameLines(TestLines.byCustomId(dir.resolve("batch-run-embed/out.errors.jsonl")), errors);
        assertEquals(11, output.size());
        assertEquals(384, output.get("e0").at("/response/body/data/0/embedding").size());
        assertEquals(1, errors.size(), "line e9 names another model");
        assertEquals(12, summary.rows(), "line e5 embeds two texts");
    }

    @Test
    void run_invalidLines_failsBeforeScoringNamingThem() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, List.of(TestLines.line("a", 0, 1), "{not json", TestLines.line("a", 1, 1),
                TestLines.line("b", 2, 1).replace("/v2/models/tiny/infer", "/v2/models/other/infer")));
        String out = dir.resolve("spark-bad").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoringJob.run(spark, options(bad, out, -1)));
        assertTrue(e.getMessage().contains("line 2 is not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("line 4: url '/v2/models/other/infer' does not match"), e.getMessage());
        assertTrue(e.getMessage().contains("custom_id 'a' is used by 2 lines (first on line 1)"), e.getMessage());
        assertFalse(Files.exists(Path.of(out, "output")));
    }
}
