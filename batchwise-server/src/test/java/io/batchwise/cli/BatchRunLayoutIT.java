package io.batchwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.onnx.DemoModels;
import io.batchwise.openai.JobLines;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch run} opens the model in its throughput layout (a single-threaded session per
 * core) unless told otherwise; the layout changes how rows are spread over sessions, never what
 * the output says.
 */
class BatchRunLayoutIT {
    private static final int LINES = 3_000;

    @TempDir
    Path dir;

    @Test
    void batchRun_anyLayout_writesTheSameOutput() throws Exception {
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        DemoModels.writeTiny(models);
        Path input = JobLines.write(dir.resolve("in.jsonl"), JobLines.tiny(0, LINES));

        Path byDefault = dir.resolve("default.jsonl");
        Path oneSession = dir.resolve("one.jsonl");
        Path threeSessions = dir.resolve("three.jsonl");
        assertEquals(0, Main.run(args(models, input, byDefault)));
        assertEquals(0, Main.run(args(models, input, oneSession, "--instances", "1", "--threads", "2")));
        assertEquals(0, Main.run(args(models, input, threeSessions, "--instances", "3")));

        String expected = Files.readString(byDefault);
        assertEquals(JobLines.rowIds(0, LINES), JobLines.customIds(expected));
        assertEquals(expected, Files.readString(oneSession));
        assertEquals(expected, Files.readString(threeSessions));
    }

    @Test
    void batchRun_noSessions_isAUsageErrorAndWritesNothing() throws Exception {
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        DemoModels.writeTiny(models);
        Path input = JobLines.write(dir.resolve("in.jsonl"), JobLines.tiny(0, 10));
        Path out = dir.resolve("out.jsonl");

        CapturedRun run = CapturedRun.of(args(models, input, out, "--instances", "0"));

        assertEquals(2, run.code());
        assertTrue(run.err().contains("--instances"), run.err());
        assertFalse(Files.exists(out));
    }

    private static String[] args(Path models, Path input, Path out, String... more) {
        String[] base = {"batch", "run", "--model", "tiny", "--models", models.toString(), "--in", input.toString(),
            "--out", out.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
