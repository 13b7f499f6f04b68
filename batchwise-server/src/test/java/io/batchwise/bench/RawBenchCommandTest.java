package io.batchwise.bench;

import io.batchwise.cli.CapturedRun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.onnx.DemoModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's mechanics on the tiny model, with a few milliseconds per size; no numbers are asserted. */
class RawBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void raw_json_reportsEverySizeUpToMax() throws Exception {
        DemoModels.writeTiny(dir);
        CapturedRun c = CapturedRun.of("bench", "raw", "--model", "tiny", "--models", dir.toString(), "--max-batch", "6",
                "--seconds-per-size", "0.02", "--threads", "1", "--json");
        assertEquals(0, c.code(), c.err());
        JsonNode root = new ObjectMapper().readTree(c.out());
        assertEquals("tiny", root.path("model").asText());
        assertEquals(1, root.path("intra_op_threads").asInt());
        List<Integer> batches = root.path("results").findValues("batch").stream().map(JsonNode::asInt).toList();
        assertEquals(List.of(1, 2, 4, 6), batches);
        for (JsonNode r : root.path("results")) {
            assertTrue(r.path("rows_per_s").asDouble() > 0, r.toString());
            assertTrue(r.path("runs").asInt() >= 5, r.toString());
            assertTrue(r.path("p99_ms").asDouble() >= r.path("median_ms").asDouble(), r.toString());
        }
    }

    @Test
    void raw_withoutModels_generatesTheDemoModelAndPrintsATable() {
        CapturedRun c = CapturedRun.of("bench", "raw", "--model", "tiny", "--max-batch", "2", "--seconds-per-size", "0.02");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("rows/s") && c.out().contains("median ms"), c.out());
        assertEquals(2 + 2 + 1, c.out().strip().lines().count(), c.out()); // title, header, sizes 1 and 2, best
    }

    @Test
    void raw_unknownModel_failsWithAMessage() {
        CapturedRun c = CapturedRun.of("bench", "raw", "--model", "nope", "--models", dir.toString());
        assertEquals(1, c.code());
        assertTrue(c.err().contains("nope"), c.err());
        assertEquals(2, CapturedRun.of("bench", "raw", "--model", "nope").code());
        assertEquals(2, CapturedRun.of("bench", "raw", "--model", "tiny", "--max-batch", "0").code());
    }

    @Test
    void sizes_powersOfTwoThenMax() {
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64, 128), RawBenchCommand.sizes(128));
        assertEquals(List.of(1, 2, 4, 8, 10), RawBenchCommand.sizes(10));
        assertEquals(List.of(1), RawBenchCommand.sizes(1));
    }

    @Test
    void percentile_medianAndTail() {
        assertEquals(2.5, RawBenchCommand.percentile(new long[] {1, 2, 3, 4}, 0.5));
        assertEquals(3.0, RawBenchCommand.percentile(new long[] {1, 3, 5}, 0.5));
        assertEquals(100.0, RawBenchCommand.percentile(new long[] {1, 2, 3, 100}, 0.99));
    }

}
