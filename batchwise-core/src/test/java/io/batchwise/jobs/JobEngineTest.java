package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job engine over the real tiny model, scheduler and SQLite store. */
class JobEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TinyJobs jobs;

    private TinyJobs jobs(JobSettings settings) throws IOException {
        jobs = new TinyJobs(dir, settings);
        return jobs;
    }

    @AfterEach
    void close() {
        if (jobs != null) {
            jobs.close();
        }
    }

    private static JobSettings smallCheckpoints() {
        return JobSettings.defaults().withCheckpoints(25, Duration.ofMillis(5)).withMaxInFlightRows(64);
    }

    /** custom_id → response body (or error) of every line of a file, in file order. */
    private static LinkedHashMap<String, JsonNode> results(String content) throws IOException {
        LinkedHashMap<String, JsonNode> out = new LinkedHashMap<>();
        for (String line : content.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            JsonNode previous = out.put(n.get("custom_id").asText(), n.get("response").isNull() ? n.get("error")
                    : n.get("response").get("body"));
            assertNull(previous, "custom_id " + n.get("custom_id") + " appears twice");
        }
        return out;
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "row-" + i).toList();
    }

    @Test
    void run_wellFormedBatch_completesWithEveryLineInInputOrder() throws Exception {
        TinyJobs t = jobs(JobSettings.defaults());
        StoredFile in = t.upload(TinyJobs.lines(300));
        BatchJob created = t.engine.create(in.id(), TinyEndpoint.PATH, "24h", Map.of("team", "search"));
        assertEquals(Map.of("team", "search"), created.metadata());
        assertEquals(created.times().createdAt() + 86_400, created.times().expiresAt());
        BatchJob done = t.engine.await(created.id(), WAIT);
        assertEquals(BatchStatus.COMPLETED, done.status());
        assertEquals(new RequestCounts(300, 300, 0), done.counts());
        assertNull(done.errorFileId());
        StoredFile out = t.files.get(done.outputFileId());
        assertEquals(FileStore.PURPOSE_BATCH_OUTPUT, out.purpose());
        String content = t.read(done.outputFileId());
        assertEquals(out.bytes(), content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        LinkedHashMap<String, JsonNode> results = results(content);
        assertEquals(ids(300), new ArrayList<>(results.keySet()));
        assertEquals(4, results.get("row-0").get("y").size());
        JsonNode first = JSON.readTree(content.substring(0, content.indexOf('\n')));
        assertEquals(200, first.get("response").get("status_code").asInt());
        assertTrue(first.get("id").asText().startsWith("batch_req_"));
        assertTrue(first.get("error").isNull());
        assertNotNull(done.times().inProgressAt());
        assertNotNull(done.times().finalizingAt());
        assertNotNull(done.times().completedAt());
    }

    @Test
    void run_linesFailingAtRunTime_goToTheErrorFileAndTheRestComplete() throws Exception {
        TinyJobs t = jobs(JobSettings.defaults());
        String wrongShape = "{\"custom_id\":\"short\",\"method\":\"POST\",\"url\":\"" + TinyEndpoint.PATH
                + "\",\"body\":{\"x\":[1,2,3]}}\n";
        String rejected = "{\"custom_id\":\"rejected\",\"method\":\"POST\",\"url\":\"" + TinyEndpoint.PATH
                + "\",\"body\":{\"reject\":true}}\n";
        StoredFile in = t.upload(TinyJobs.lines(10) + wrongShape + TinyEndpoint.line(10) + rejected
                + TinyEndpoint.line(11));
        BatchJob done = t.engine.await(t.engine.create(in.id(), TinyEndpoint.PATH, null, null).id(), WAIT);
        assertEquals(BatchStatus.COMPLETED, done.status());
        assertEquals(new RequestCounts(14, 12, 2), done.counts());
        assertEquals(ids(12), new ArrayList<>(results(t.read(done.outputFileId())).keySet()));
        String errors = t.read(done.errorFileId());
        LinkedHashMap<String, JsonNode> failed = results(errors);
        assertEquals(List.of("short", "rejected"), new ArrayList<>(failed.keySet()));
        assertTrue(failed.get("short").get("error").asText().contains("shape"), failed.get("short").toString());
        JsonNode line = JSON.readTree(errors.substring(0, errors.indexOf('\n')));
        assertEquals(400, line.get("response").get("status_code").asInt());
        assertTrue(line.get("error").isNull());
    }

    @Test
    void run_invalidFile_failsWithErrorsAndWritesNoFiles() throws Exception {
        TinyJobs t = jobs(JobSettings.defaults());
        StoredFile in = t.upload(TinyEndpoint.line(1) + TinyEndpoint.line(1) + "{bad\n");
        BatchJob done = t.engine.await(t.engine.create(in.id(), TinyEndpoint.PATH, null, null).id(), WAIT);
        assertEquals(BatchStatus.FAILED, done.status());
        assertEquals(List.of("duplicate_custom_id", "invalid_json_line"),
                done.errors().stream().map(BatchError::code).toList());
        assertEquals(List.of(2, 3), done.errors().stream().map(BatchError::line).toList());
        assertNull(done.outputFileId());
        assertNull(done.errorFileId());
        assertNotNull(done.times().failedAt());
    }

    @Test
    void create_badArguments_rejectedBeforeAnythingRuns() throws Exception {
        TinyJobs t = jobs(JobSettings.defaults());
        StoredFile in = t.upload(TinyJobs.lines(2));
        assertThrows(UnknownId.class, () -> t.engine.create("file-missing", TinyEndpoint.PATH, null, null));
        assertThrows(io.batchwise.tensor.InvalidInput.class,
                () -> t.engine.create(in.id(), "/v1/chat/completions", null, null));
        assertThrows(io.batchwise.tensor.InvalidInput.class,
                () -> t.engine.create(in.id(), TinyEndpoint.PATH, "soon", null));
        assertThrows(io.batchwise.tensor.InvalidInput.class,
                () -> t.engine.create(in.id(), TinyEndpoint.PATH, "24h", Map.of("k", "v".repeat(513))));
        assertTrue(t.engine.list(null, 10).data().isEmpty());
    }

    @Test
    void cancel_runningBatch_endsCancelledWithEachFinishedLineOnce() throws Exception {
        TinyJobs t = jobs(smallCheckpoints().withMaxInFlightRows(4));
        StoredFile in = t.upload(TinyJobs.lines(3000));
        BatchJob job = t.engine.create(in.id(), TinyEndpoint.PATH, null, null);
        waitForCheckpoint(t, job.id(), 1);
        assertThrows(JobConflict.class, () -> t.files.delete(in.id()));
        assertEquals(BatchStatus.CANCELLING, t.engine.cancel(job.id()).status());
        BatchJob done = t.engine.await(job.id(), WAIT);
        assertEquals(BatchStatus.CANCELLED, done.status());
        assertNotNull(done.times().cancellingAt());
        assertNotNull(done.times().cancelledAt());
        LinkedHashMap<String, JsonNode> results = results(t.read(done.outputFileId()));
        assertEquals(ids(results.size()), new ArrayList<>(results.keySet()));
        assertEquals(done.counts().completed(), results.size());
        assertTrue(results.size() < 3000, "cancel came too late to test anything: " + results.size());
        assertThrows(JobConflict.class, () -> t.engine.cancel(job.id()));
    }

    @Test
    void run_windowEnds_expiresWithUnfinishedLinesAsBatchExpired() throws Exception {
        TinyJobs t = jobs(smallCheckpoints().withMaxInFlightRows(4));
        StoredFile in = t.upload(TinyJobs.lines(3000));
        BatchJob job = t.engine.create(in.id(), TinyEndpoint.PATH, "1h", null);
        waitForCheckpoint(t, job.id(), 1);
        t.clock.advanceSeconds(3601);
        BatchJob done = t.engine.await(job.id(), WAIT);
        assertEquals(BatchStatus.EXPIRED, done.status());
        assertNotNull(done.times().expiredAt());
        LinkedHashMap<String, JsonNode> ok = results(t.read(done.outputFileId()));
        LinkedHashMap<String, JsonNode> expired = results(t.read(done.errorFileId()));
        assertTrue(!ok.isEmpty() && !expired.isEmpty(), ok.size() + " done, " + expired.size() + " expired");
        List<String> all = new ArrayList<>(ok.keySet());
        all.addAll(expired.keySet());
        assertEquals(ids(3000), all);
        assertEquals("batch_expired", expired.values().iterator().next().get("code").asText());
        assertEquals(new RequestCounts(3000, ok.size(), expired.size()), done.counts());
    }

    @Test
    void resume_afterCrashesAtRandomPoints_everyLineExactlyOnceAndSameResults() throws Exception {
        int n = 2000;
        TinyJobs t = jobs(smallCheckpoints());
        StoredFile in = t.upload(TinyJobs.lines(n));
        BatchJob reference = t.engine.await(t.engine.create(in.id(), TinyEndpoint.PATH, null, null).id(), WAIT);
        LinkedHashMap<String, JsonNode> expected = results(t.read(reference.outputFileId()));
        assertEquals(ids(n), new ArrayList<>(expected.keySet()));

        BatchJob job = t.engine.create(in.id(), TinyEndpoint.PATH, null, null);
        SplittableRandom random = new SplittableRandom(42);
        for (int crash = 0; crash < 3; crash++) {
            long done = t.store.work(job.id()).checkpoint().lines();
            waitForCheckpoint(t, job.id(), done + 1 + random.nextInt(n / 6));
            t.crashAndRestart();
            // a torn write after the last checkpoint, as a killed process may leave
            Path work = t.files.path(t.store.work(job.id()).outputFileId());
            Files.writeString(work, "{\"id\":\"torn", StandardOpenOption.APPEND);
        }
        BatchJob done = t.engine.await(job.id(), WAIT);
        assertEquals(BatchStatus.COMPLETED, done.status());
        assertEquals(new RequestCounts(n, n, 0), done.counts());
        assertEquals(expected, results(t.read(done.outputFileId())));
    }

    @Test
    void resume_afterGracefulStop_everyLineExactlyOnce() throws Exception {
        int n = 2000;
        TinyJobs t = jobs(smallCheckpoints());
        StoredFile in = t.upload(TinyJobs.lines(n));
        BatchJob job = t.engine.create(in.id(), TinyEndpoint.PATH, null, null);
        waitForCheckpoint(t, job.id(), 1);
        t.restart();
        assertTrue(t.engine.get(job.id()).status() == BatchStatus.IN_PROGRESS
                || t.engine.get(job.id()).status() == BatchStatus.COMPLETED);
        BatchJob done = t.engine.await(job.id(), WAIT);
        assertEquals(BatchStatus.COMPLETED, done.status());
        assertEquals(ids(n), new ArrayList<>(results(t.read(done.outputFileId())).keySet()));
    }

    @Test
    void run_severalBatches_allCompleteSharingTheModel() throws Exception {
        TinyJobs t = jobs(JobSettings.defaults().withMaxInFlightRows(32));
        StoredFile in = t.upload(TinyJobs.lines(500));
        List<String> batches = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batches.add(t.engine.create(in.id(), TinyEndpoint.PATH, null, null).id());
        }
        Set<String> outputs = new HashSet<>();
        for (String id : batches) {
            BatchJob done = t.engine.await(id, WAIT);
            assertEquals(BatchStatus.COMPLETED, done.status());
            outputs.add(done.outputFileId());
            assertEquals(ids(500), new ArrayList<>(results(t.read(done.outputFileId())).keySet()));
        }
        assertEquals(3, outputs.size());
        Page<BatchJob> page = t.engine.list(null, 2);
        assertEquals(List.of(batches.get(2), batches.get(1)), page.data().stream().map(BatchJob::id).toList());
        assertTrue(page.hasMore());
        t.files.delete(in.id());
        assertThrows(UnknownId.class, () -> t.files.get(in.id()));
    }

    @Test
    void run_severalBatches_shareTheInFlightRowsInsteadOfEachTakingThemAll() throws Exception {
        TinyJobs t = jobs(JobSettings.defaults().withMaxInFlightRows(64));
        t.engine.close();
        java.util.concurrent.atomic.AtomicLong outstanding = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong most = new java.util.concurrent.atomic.AtomicLong();
        // The scheduler holds every row until released, so the batches fill their windows.
        java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
        RowRunner counting = (model, version, submission) -> {
            long rows = submission.request().inputs().get(0).rows();
            most.accumulateAndGet(outstanding.addAndGet(rows), Math::max);
            return release.thenCompose(v -> t.scheduler.submit(model, version, submission))
                    .whenComplete((r, e) -> outstanding.addAndGet(-rows));
        };
        try (JobEngine engine = new JobEngine(t.store, t.files, counting, List.of(new TinyEndpoint()),
                RowFailures.standard(), t.clock, io.batchwise.schedule.Ticker.systemTicker(), t.settings)) {
            StoredFile in = t.upload(TinyJobs.lines(300));
            List<String> batches = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batches.add(engine.create(in.id(), TinyEndpoint.PATH, null, null).id());
            }
            long end = System.nanoTime() + WAIT.toNanos();
            while (batches.stream().anyMatch(id -> engine.get(id).status() != BatchStatus.IN_PROGRESS)
                    && System.nanoTime() < end) {
                Thread.sleep(2);
            }
            Thread.sleep(200); // every window full by now

            long held = outstanding.get();
            release.complete(null);

            for (String id : batches) {
                assertEquals(BatchStatus.COMPLETED, engine.await(id, WAIT).status());
            }
            assertTrue(held >= 64 && most.get() <= 2 * 64, "held " + held + ", most " + most.get()
                    + " rows in flight for 4 batches sharing 64 (each taking all 64 would hold 256)");
        }
    }

    @Test
    void run_twoBatchesAtOnce_progressTogether() throws Exception {
        TinyJobs t = jobs(smallCheckpoints().withMaxInFlightRows(16));
        StoredFile in = t.upload(TinyJobs.lines(3000));
        String a = t.engine.create(in.id(), TinyEndpoint.PATH, null, null).id();
        String b = t.engine.create(in.id(), TinyEndpoint.PATH, null, null).id();
        long end = System.nanoTime() + WAIT.toNanos();
        long la = 0;
        long lb = 0;
        while (Math.max(la, lb) < 1500 && System.nanoTime() < end) {
            Thread.sleep(2);
            la = t.store.work(a).checkpoint().lines();
            lb = t.store.work(b).checkpoint().lines();
        }
        assertTrue(Math.min(la, lb) >= Math.max(la, lb) / 4, "unfair share: " + la + " vs " + lb + " lines");
        assertEquals(BatchStatus.COMPLETED, t.engine.await(a, WAIT).status());
        assertEquals(BatchStatus.COMPLETED, t.engine.await(b, WAIT).status());
    }

    private static void waitForCheckpoint(TinyJobs t, String id, long lines) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            BatchJob job = t.engine.get(id);
            if (job.status().terminal() || t.store.work(id).checkpoint().lines() >= lines) {
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("batch " + id + " made no progress");
    }
}
