package io.batchwise.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchListPage;
import com.openai.models.batches.BatchListParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.onnx.DemoModels;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible API driven by the official OpenAI Java SDK against a real server on a
 * real port, with the real tiny and embedder models.
 */
class OpenAiSdkIT {
    private static final String KEY = "sk-test-batchwise";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static BatchwiseServer server;
    private static OpenAIClient client;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        DemoModels.writeTiny(models);
        DemoModels.writeEmbedder(models);
        server = BatchwiseServer.start(ServerSettings.forTests(models, dir.resolve("data")),
                OpenAiOptions.defaults().withApiKey(KEY).withMaxFileBytes(8L << 20));
        base = "http://127.0.0.1:" + server.port() + "/v1";
        client = OpenAIOkHttpClient.builder().baseUrl(base).apiKey(KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static FileObject upload(String name, String content) throws IOException {
        Path f = JobLines.write(dir.resolve(name), content);
        return client.files().create(FileCreateParams.builder().file(f).purpose(FilePurpose.BATCH).build());
    }

    private static Batch create(String fileId, String endpoint) {
        return client.batches().create(BatchCreateParams.builder().inputFileId(fileId)
                .endpoint(BatchCreateParams.Endpoint.of(endpoint))
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build());
    }

    private static Batch poll(String id) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            Batch b = client.batches().retrieve(id);
            String s = b.status().asString();
            if (s.equals("completed") || s.equals("failed") || s.equals("expired") || s.equals("cancelled")) {
                return b;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("batch " + id + " did not finish");
    }

    private static String download(String fileId) throws IOException {
        try (HttpResponse res = client.files().content(fileId); InputStream body = res.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void batch_uploadCreatePollDownload_outputAndErrorsAsOpenAiWritesThem() throws Exception {
        String content = JobLines.tiny(0, 50) + JobLines.tinyWrongShape("bad-shape") + JobLines.tiny(50, 60);
        FileObject file = upload("tiny.jsonl", content);
        assertTrue(file.id().startsWith("file-"));
        assertEquals(content.getBytes(StandardCharsets.UTF_8).length, file.bytes());
        assertEquals("tiny.jsonl", file.filename());
        assertEquals(FilePurpose.BATCH.asString(), file.purpose().asString());
        assertEquals(file.id(), client.files().retrieve(file.id()).id());

        Batch created = client.batches().create(BatchCreateParams.builder().inputFileId(file.id())
                .endpoint(BatchCreateParams.Endpoint.of(JobLines.TINY))
                .completionWindow(BatchCreateParams.CompletionWindow._24H)
                .metadata(BatchCreateParams.Metadata.builder().putAdditionalProperty("job", JsonValue.from("nightly"))
                        .build()).build());
        assertTrue(created.id().startsWith("batch_"));
        assertEquals("24h", created.completionWindow());
        assertEquals(created.createdAt() + 86_400, created.expiresAt().orElseThrow());

        Batch done = poll(created.id());
        assertEquals("completed", done.status().asString());
        assertEquals(61, done.requestCounts().orElseThrow().total());
        assertEquals(60, done.requestCounts().orElseThrow().completed());
        assertEquals(1, done.requestCounts().orElseThrow().failed());
        assertTrue(done.completedAt().isPresent() && done.inProgressAt().isPresent() && done.finalizingAt().isPresent());
        assertEquals("nightly", done.metadata().orElseThrow()._additionalProperties().get("job").asStringOrThrow());

        String output = download(done.outputFileId().orElseThrow());
        assertEquals(JobLines.rowIds(0, 60), JobLines.customIds(output));
        JsonNode first = JSON.readTree(output.substring(0, output.indexOf('\n')));
        assertEquals(200, first.at("/response/status_code").asInt());
        assertEquals("tiny", first.at("/response/body/model_name").asText());
        assertEquals(4, first.at("/response/body/outputs/0/data").size());
        assertTrue(first.get("error").isNull());

        String errors = download(done.errorFileId().orElseThrow());
        JsonNode bad = JSON.readTree(errors.trim());
        assertEquals("bad-shape", bad.get("custom_id").asText());
        assertEquals(400, bad.at("/response/status_code").asInt());
        assertTrue(bad.at("/response/body/error").asText().contains("shape"), bad.toString());

        FileObject out = client.files().retrieve(done.outputFileId().orElseThrow());
        assertEquals("batch_output", out.purpose().asString());
        assertEquals(output.getBytes(StandardCharsets.UTF_8).length, out.bytes());
    }

    @Test
    void batch_invalidInputFile_failsWithLineErrors() throws Exception {
        FileObject file = upload("dup.jsonl", JobLines.tiny(0, 3) + JobLines.tiny(1)
                + JobLines.tiny(5).replace(JobLines.TINY, "/v2/models/other/infer"));
        Batch done = poll(create(file.id(), JobLines.TINY).id());
        assertEquals("failed", done.status().asString());
        List<com.openai.models.batches.BatchError> errors = new ArrayList<>();
        done.errors().orElseThrow().data().ifPresent(errors::addAll);
        assertEquals(List.of("duplicate_custom_id", "mismatched_endpoint"),
                errors.stream().map(e -> e.code().orElseThrow()).toList());
        assertEquals(4L, errors.get(0).line().orElseThrow());
        assertTrue(done.outputFileId().isEmpty());
    }

    @Test
    void embeddings_liveAndInABatch_sameVectors() throws Exception {
        CreateEmbeddingResponse live = client.embeddings().create(EmbeddingCreateParams.builder().model("embedder")
                .inputOfArrayOfStrings(List.of("batch jobs run overnight", "live traffic comes first",
                        "batch jobs run overnight")).build());
        assertEquals(3, live.data().size());
        List<Float> a = live.data().get(0).embedding();
        assertEquals(384, a.size());
        double norm = 0;
        for (float v : a) {
            norm += v * v;
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-3);
        assertEquals(a, live.data().get(2).embedding());
        assertNotEquals(a, live.data().get(1).embedding());
        assertEquals(12, live.usage().promptTokens());

        // ONNX Runtime's embedder result for a lone row differs from a batched row's in the last bits
        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder().model("embedder")
                .input("batch jobs run overnight").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        List<Float> single = floats.data().get(0).embedding();
        for (int i = 0; i < 384; i++) {
            assertEquals(a.get(i), single.get(i), 1e-6);
        }

        FileObject file = upload("emb.jsonl", "{\"custom_id\":\"e1\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"embedder\",\"input\":\"batch jobs run overnight\"}}\n"
                + "{\"custom_id\":\"e2\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"tiny\",\"input\":\"no tokenizer\"}}\n");
        Batch done = poll(create(file.id(), "/v1/embeddings").id());
        assertEquals("completed", done.status().asString());
        JsonNode line = JSON.readTree(download(done.outputFileId().orElseThrow()).trim());
        JsonNode vector = line.at("/response/body/data/0/embedding");
        assertEquals(384, vector.size());
        for (int i = 0; i < 384; i++) {
            assertEquals(a.get(i), (float) vector.get(i).asDouble(), 1e-6);
        }
        JsonNode failed = JSON.readTree(download(done.errorFileId().orElseThrow()).trim());
        assertEquals(400, failed.at("/response/status_code").asInt());
        assertTrue(failed.at("/response/body/error/message").asText().contains("tokenizer"));

        BadRequestException noTokenizer = assertThrows(BadRequestException.class, () -> client.embeddings()
                .create(EmbeddingCreateParams.builder().model("tiny").input("x").build()));
        assertTrue(noTokenizer.getMessage().contains("tokenizer"), noTokenizer.getMessage());
        assertThrows(NotFoundException.class, () -> client.embeddings()
                .create(EmbeddingCreateParams.builder().model("nope").input("x").build()));
    }

    @Test
    void list_batchesAndFiles_pageWithCursors() throws Exception {
        FileObject file = upload("list.jsonl", JobLines.tiny(0, 2));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ids.add(create(file.id(), JobLines.TINY).id());
        }
        BatchListPage page = client.batches().list(BatchListParams.builder().limit(2).build());
        assertEquals(2, page.data().size());
        assertTrue(page.hasNextPage());
        List<String> seen = new ArrayList<>();
        page.autoPager().forEach(b -> seen.add(b.id()));
        assertTrue(seen.containsAll(ids), seen + " lacks " + ids);
        assertEquals(seen.size(), new HashSet<>(seen).size());
        for (String id : ids) {
            poll(id);
        }
        List<String> files = new ArrayList<>();
        client.files().list().autoPager().forEach(f -> files.add(f.id()));
        assertTrue(files.contains(file.id()));
    }

    @Test
    void cancel_runningBatch_endsCancelledAndCannotBeCancelledAgain() throws Exception {
        // With 10,000 lines the tiny model's job once reached finalizing before the cancel
        // arrived; 30,000 stay under the test server's 8 MB body limit.
        int lines = 30_000;
        FileObject file = upload("big.jsonl", JobLines.tiny(0, lines));
        Batch created = create(file.id(), JobLines.TINY);
        Batch cancelling = client.batches().cancel(created.id());
        assertTrue(List.of("cancelling", "cancelled").contains(cancelling.status().asString()),
                cancelling.status().asString());
        Batch done = poll(created.id());
        assertEquals("cancelled", done.status().asString());
        assertTrue(done.cancelledAt().isPresent());
        long finished = done.requestCounts().orElseThrow().completed();
        assertTrue(finished < lines, "finished before the cancel");
        if (finished > 0) {
            assertEquals(JobLines.rowIds(0, (int) finished),
                    JobLines.customIds(download(done.outputFileId().orElseThrow())));
        }
        UnexpectedStatusCodeException again = assertThrows(UnexpectedStatusCodeException.class,
                () -> client.batches().cancel(created.id()));
        assertEquals(409, again.statusCode());
    }

    @Test
    void errors_unknownIdsModelsKeysAndDeletes_clearStatuses() throws Exception {
        assertThrows(NotFoundException.class, () -> client.batches().retrieve("batch_nope"));
        assertThrows(NotFoundException.class, () -> client.files().retrieve("file-nope"));
        FileObject file = upload("del.jsonl", JobLines.tiny(0, 1));
        NotFoundException noModel = assertThrows(NotFoundException.class,
                () -> create(file.id(), "/v2/models/nope/infer"));
        assertTrue(noModel.getMessage().contains("nope"), noModel.getMessage());
        assertThrows(BadRequestException.class, () -> create(file.id(), "/v1/chat/completions"));
        assertThrows(NotFoundException.class, () -> create("file-nope", JobLines.TINY));
        assertTrue(client.files().delete(file.id()).deleted());
        assertThrows(NotFoundException.class, () -> client.files().retrieve(file.id()));

        OpenAIClient wrongKey = OpenAIOkHttpClient.builder().baseUrl(base).apiKey("wrong").maxRetries(0).build();
        try {
            assertThrows(UnauthorizedException.class, () -> wrongKey.files().list());
        } finally {
            wrongKey.close();
        }
    }

    /**
     * Live requests (the model's default 20 ms budget) are measured alone, then beside two
     * batches on the same model: they must keep being answered, and keep meeting their deadline
     * (the scheduler's own count), about as well. The comparison is relative because the machine
     * running the tests may be shared and slow; client-side latencies are printed, not asserted.
     */
    @Test
    void coRun_interactiveRequestsDuringBatches_keepTheirBudget() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":"
                + "[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0,1.1,1.2,1.3,1.4,1.5,1.6]}]}";
        HttpRequest infer = HttpRequest.newBuilder(URI.create(base.replace("/v1", "/v2/models/tiny/infer")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        LiveSample alone = new LiveSample();
        while (alone.count() < 100) {
            alone.send(http, infer);
        }
        alone.finish();
        String file = upload("corun.jsonl", JobLines.tiny(0, 20_000)).id();
        List<String> batches = List.of(create(file, JobLines.TINY).id(), create(file, JobLines.TINY).id());
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!running(batches)) {
            assertTrue(System.nanoTime() < end, "batches did not start");
            Thread.sleep(5);
        }
        LiveSample beside = new LiveSample();
        while (beside.count() < 300 && running(batches)) {
            beside.send(http, infer);
        }
        beside.finish();
        System.out.println("co-run: alone " + alone + "; beside 2 batches " + beside);
        assertTrue(beside.count() >= 30, "the batches finished before enough live requests ran beside them: " + beside);
        assertTrue(beside.okShare() >= alone.okShare() - 0.10, "live answers fell from " + alone + " to " + beside);
        assertTrue(beside.metShare() >= alone.metShare() - 0.10, "deadlines met fell from " + alone + " to " + beside);
        for (String id : batches) {
            Batch done = poll(id);
            assertEquals("completed", done.status().asString());
            assertEquals(20_000, done.requestCounts().orElseThrow().completed());
        }
    }

    /** Latencies and outcomes of sequential live requests, and the scheduler's deadline count for them. */
    private static final class LiveSample {
        private final List<Long> micros = new ArrayList<>();
        private final long[] deadlinesBefore = deadlines();
        private long met;
        private long missed;
        private int ok;

        void finish() {
            long[] after = deadlines();
            met = after[0] - deadlinesBefore[0];
            missed = after[1] - deadlinesBefore[1];
        }

        double metShare() {
            return met / (double) Math.max(1, met + missed);
        }

        /** The scheduler's count of tiny's interactive requests that met / missed their deadline. */
        private static long[] deadlines() {
            StringBuilder text = new StringBuilder();
            server.metrics().writeTo(text);
            long[] counts = new long[2];
            for (String line : text.toString().split("\n")) {
                if (line.startsWith("batchwise_deadline_total") && line.contains("model=\"tiny\"")
                        && line.contains("class=\"interactive\"")) {
                    counts[line.contains("met=\"true\"") ? 0 : 1] += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return counts;
        }

        void send(HttpClient http, HttpRequest request) throws Exception {
            long start = System.nanoTime();
            var res = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            micros.add((System.nanoTime() - start) / 1000);
            if (res.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(503, res.statusCode(), res.body());
            }
        }

        int count() {
            return micros.size();
        }

        double okShare() {
            return ok / (double) micros.size();
        }

        long percentile(double p) {
            List<Long> sorted = micros.stream().sorted().toList();
            return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
        }

        @Override
        public String toString() {
            return String.format("%d requests, %.0f%% answered, %.0f%% met the deadline, client p50 %.1f ms, p90 %.1f ms",
                    count(), 100 * okShare(), 100 * metShare(), percentile(0.5) / 1e3, percentile(0.9) / 1e3);
        }
    }

    private static boolean running(List<String> batches) {
        return batches.stream().anyMatch(id -> server.jobs().get(id).status() == io.batchwise.jobs.BatchStatus.IN_PROGRESS);
    }

    @Test
    void http_wrongContentTypesAndOversizedUploads_rejectedClearly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        var json = http.send(HttpRequest.newBuilder(URI.create(base + "/files")).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(415, json.statusCode());
        assertTrue(JSON.readTree(json.body()).at("/error/message").asText().contains("multipart"));

        var form = http.send(HttpRequest.newBuilder(URI.create(base + "/batches")).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=b")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode());

        var noKey = http.send(HttpRequest.newBuilder(URI.create(base + "/batches")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noKey.statusCode());
        assertEquals("invalid_api_key", JSON.readTree(noKey.body()).at("/error/code").asText());

        var kserve = http.send(HttpRequest.newBuilder(URI.create(base.replace("/v1", "/v2/health/live"))).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, kserve.statusCode(), "the API key guards /v1 only");

        byte[] big = new byte[(8 << 20) + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        Path bigFile = Files.write(dir.resolve("big.bin"), big);
        var tooLarge = assertThrows(com.openai.errors.OpenAIServiceException.class, () -> client.files()
                .create(FileCreateParams.builder().file(bigFile).purpose(FilePurpose.BATCH).build()));
        assertEquals(413, tooLarge.statusCode());
        assertFalse(client.files().list().data().stream().anyMatch(f -> f.bytes() == big.length));

        // a part without a filename is a form field to multipart parsers: small ones are taken as the file
        String small = JobLines.tiny(0, 2);
        FileObject bytes = client.files().create(FileCreateParams.builder()
                .file(small.getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.BATCH).build());
        assertEquals(small, download(bytes.id()));
        var noName = assertThrows(BadRequestException.class, () -> client.files()
                .create(FileCreateParams.builder().file(new byte[100_000]).purpose(FilePurpose.BATCH).build()));
        assertTrue(noName.getMessage().contains("filename"), noName.getMessage());
    }
}
