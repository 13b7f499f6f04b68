package io.batchwise.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.onnx.DemoModels;
import io.batchwise.openai.JobLines;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability against real process death: a server, and the offline {@code batch run}, are
 * {@code kill -9}ed at random moments of a job several times (and the server once sent SIGTERM
 * with a short grace); after restarts the output holds every custom_id exactly once, in order,
 * with the same results as an uninterrupted run. Rounds: {@code -Dbatchwise.crash.rounds} (3).
 */
class JobCrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = Integer.getInteger("batchwise.crash.rounds", 2);
    /**
     * Enough lines that a kill aimed inside the first 80% lands there: with 6,000, once in about
     * ten full suites the tiny model's whole `batch run` finished between two polls of the
     * checkpoint ("kills did not land mid-job: 6000").
     */
    private static final int LINES = Integer.getInteger("batchwise.crash.lines", 12_000);

    @TempDir
    static Path dir;
    private static Path models;
    private static Path input;
    /** An uninterrupted offline run of the input: what every interrupted run must end with. */
    private static Path reference;

    @BeforeAll
    static void writeInputAndReference() throws IOException {
        models = dir.resolve("models");
        Files.createDirectories(models);
        DemoModels.writeTiny(models);
        input = JobLines.write(dir.resolve("in.jsonl"), JobLines.tiny(0, LINES));
        reference = dir.resolve("reference").resolve("out.jsonl");
        Files.createDirectories(reference.getParent());
        assertEquals(0, Main.run(runArgs(reference)));
        assertEquals(JobLines.rowIds(0, LINES), JobLines.customIds(Files.readString(reference)));
    }

    private static String[] runArgs(Path out) {
        return new String[] {"batch", "run", "--model", "tiny", "--models", models.toString(), "--in",
                input.toString(), "--out", out.toString(), "--checkpoint-lines", "250"};
    }

    @Test
    void server_killedAndTerminatedMidJob_resumesWithEveryLineOnce() throws Exception {
        Path data = dir.resolve("server-data");
        HttpClient http = HttpClient.newHttpClient();
        SplittableRandom random = new SplittableRandom(7);
        String batch;
        int killsInProgress = 0;
        try (ChildProcess first = serve(data, 0)) {
            String base = "http://127.0.0.1:" + first.awaitPort(Duration.ofSeconds(60));
            String file = upload(http, base);
            batch = createBatch(http, base, file);
            Thread.sleep(200 + random.nextInt(1500));
            killsInProgress += isRunning(status(http, base, batch)) ? 1 : 0;
            first.kill();
        }
        for (int round = 1; round < ROUNDS; round++) {
            try (ChildProcess server = serve(data, round)) {
                String base = "http://127.0.0.1:" + server.awaitPort(Duration.ofSeconds(60));
                Thread.sleep(200 + random.nextInt(1500));
                killsInProgress += isRunning(status(http, base, batch)) ? 1 : 0;
                server.kill();
            }
        }
        long doneBeforeTerm;
        try (ChildProcess server = serve(data, ROUNDS)) {
            String base = "http://127.0.0.1:" + server.awaitPort(Duration.ofSeconds(60));
            Thread.sleep(500);
            JsonNode before = status(http, base, batch);
            doneBeforeTerm = done(before);
            Duration exit = server.terminate(Duration.ofSeconds(30));
            assertTrue(exit.toMillis() < 3_000 + 10_000, "SIGTERM exit took " + exit);
        }
        String output;
        try (ChildProcess last = serve(data, ROUNDS + 1)) {
            String base = "http://127.0.0.1:" + last.awaitPort(Duration.ofSeconds(60));
            assertTrue(done(status(http, base, batch)) >= doneBeforeTerm, "SIGTERM lost checkpointed progress");
            JsonNode done = await(http, base, batch);
            assertEquals("completed", done.get("status").asText(), done.toString());
            assertEquals(LINES, done.at("/request_counts/completed").asInt());
            output = get(http, base + "/v1/files/" + done.get("output_file_id").asText() + "/content");
        }
        assertTrue(killsInProgress > 0, "no kill landed while the batch was running");
        assertEquals(JobLines.rowIds(0, LINES), JobLines.customIds(output));
        assertEquals(results(Files.readString(reference)), results(output));
    }

    @Test
    void batchRun_killedMidJob_resumesToTheIdenticalOutput() throws Exception {
        Path out = dir.resolve("cli").resolve("out.jsonl");
        Files.createDirectories(out.getParent());
        Path db = dir.resolve("cli").resolve("out.state").resolve("batchwise.db");
        SplittableRandom random = new SplittableRandom(11);
        long done = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try (ChildProcess run = ChildProcess.start(dir.resolve("cli-" + round + ".log"), runArgs(out))) {
                // kill just after a random checkpoint beyond the last one, somewhere inside the next chunk
                long target = done + 1 + random.nextInt(Math.max(1, (int) (LINES * 0.8 - done) / 3));
                long reached = awaitCheckpoint(db, target, run);
                Thread.sleep(random.nextInt(150));
                assertTrue(run.process.isAlive(), "the run ended before its kill: " + run.output());
                run.kill();
                assertTrue(reached >= done, "progress went back from " + done + " to " + reached);
                done = reached;
            }
        }
        assertTrue(done > 0 && done < LINES, "kills did not land mid-job: " + done);
        assertEquals(0, Main.run(runArgs(out)));
        assertTrue(Files.notExists(db.getParent()), "state kept after success");
        assertArrayEquals(Files.readAllBytes(reference), Files.readAllBytes(out));
    }

    /** Waits until the offline run's checkpoint counts {@code lines} lines; returns the count. */
    private static long awaitCheckpoint(Path db, long lines, ChildProcess run) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end && run.process.isAlive()) {
            if (Files.exists(db)) {
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
                     Statement st = c.createStatement();
                     ResultSet r = st.executeQuery("SELECT lines_done FROM batches")) {
                    if (r.next() && r.getLong(1) >= lines) {
                        return r.getLong(1);
                    }
                } catch (SQLException e) {
                    // not created yet, or busy: look again
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no checkpoint of " + lines + " lines: " + run.output());
    }

    private static ChildProcess serve(Path data, int round) throws IOException {
        return ChildProcess.start(dir.resolve("serve-" + round + ".log"), "serve", "--port", "0", "--models",
                models.toString(), "--data", data.toString(), "--shutdown-grace", "3s");
    }

    private static boolean isRunning(JsonNode batch) {
        String s = batch.get("status").asText();
        return s.equals("validating") || s.equals("in_progress");
    }

    private static long done(JsonNode batch) {
        return batch.at("/request_counts/completed").asLong() + batch.at("/request_counts/failed").asLong();
    }

    private static String upload(HttpClient http, String base) throws Exception {
        String boundary = "----batchwise" + System.nanoTime();
        byte[] content = Files.readAllBytes(input);
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n").getBytes();
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, content, tail))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return JSON.readTree(res.body()).get("id").asText();
    }

    private static String createBatch(HttpClient http, String base, String file) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/batches"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"" + file + "\",\"endpoint\":\""
                        + JobLines.TINY + "\",\"completion_window\":\"24h\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return JSON.readTree(res.body()).get("id").asText();
    }

    private static JsonNode status(HttpClient http, String base, String batch) throws Exception {
        return JSON.readTree(get(http, base + "/v1/batches/" + batch));
    }

    private static JsonNode await(HttpClient http, String base, String batch) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < end) {
            JsonNode b = status(http, base, batch);
            if (!isRunning(b) && !b.get("status").asText().equals("finalizing")) {
                return b;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("batch " + batch + " did not finish");
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), url + ": " + res.body());
        return res.body();
    }

    /** Each line's custom_id and response body (ids differ between batches by design). */
    private static List<String> results(String content) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : content.split("\n")) {
            JsonNode n = JSON.readTree(line);
            out.add(n.get("custom_id").asText() + " " + n.at("/response/status_code").asInt() + " "
                    + n.at("/response/body"));
        }
        return out;
    }
}
