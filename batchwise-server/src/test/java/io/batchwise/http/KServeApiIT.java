package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.model.ModelConfig;
import io.batchwise.onnx.Attribute;
import io.batchwise.onnx.DemoModels;
import io.batchwise.onnx.OnnxGraph;
import io.batchwise.onnx.OnnxWriter;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The KServe v2 REST API of a real server on a free port, over real HTTP: every endpoint, the
 * binary extension, async requests, and every kind of bad input, after each of which the server
 * must still serve.
 *
 * <p>The repository holds {@code tiny}, {@code embedder}, {@code pair} (Identity and Cast to
 * FP64 of an FP32 [-1, 3] input: two outputs, values pass through) and {@code broken} (not an
 * ONNX file), which must fail alone.
 */
class KServeApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InferCodec CODEC = new InferCodec();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path dir;
    private static BatchwiseServer server;
    private static BatchwiseServer smallBodyServer;
    private static ModelInstance reference;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        Path models = dir.resolve("models");
        DemoModels.writeTiny(models);
        DemoModels.writeEmbedder(models);
        // This test is about the protocol, not scheduling (which has its own tests): budgets roomy
        // enough for a cold JVM on a busy 2-core CI machine, and tiny, which takes most requests,
        // run one by one so that a sequential client is not held for batch-mates.
        relaxConfig(models.resolve("tiny/config.yaml"), "none");
        relaxConfig(models.resolve("embedder/config.yaml"), "slo");
        OnnxWriter.write(pairModel(), models.resolve("pair/1/model.onnx"));
        Files.writeString(models.resolve("pair/config.yaml"), "latency_target: 500ms\nbatching: {policy: none}\n");
        Files.createDirectories(models.resolve("broken/1"));
        Files.writeString(models.resolve("broken/1/model.onnx"), "not an ONNX model");
        server = BatchwiseServer.start(ServerSettings.forTests(models, dir.resolve("data")));
        base = "http://127.0.0.1:" + server.port();

        Path tinyOnly = dir.resolve("tiny-only");
        DemoModels.writeTiny(tinyOnly);
        relaxConfig(tinyOnly.resolve("tiny/config.yaml"), "none");
        smallBodyServer = BatchwiseServer.start(new ServerSettings(new HttpOptions("127.0.0.1", 0, 4096), tinyOnly,
                dir.resolve("data2"), null));

        reference = OnnxRuntime.create().open(models.resolve("tiny/1/model.onnx"), ModelConfig.defaults("tiny"), 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (smallBodyServer != null) {
            smallBodyServer.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    private static void relaxConfig(Path config, String policy) throws IOException {
        String yaml = Files.readString(config);
        String relaxed = yaml.replaceFirst("latency_target: \\S+", "latency_target: 500ms")
                .replaceFirst("policy: \\S+", "policy: " + policy);
        assertTrue(relaxed.contains("latency_target: 500ms") && relaxed.contains("policy: " + policy), relaxed);
        Files.writeString(config, relaxed);
    }

    private static OnnxGraph pairModel() {
        return OnnxGraph.builder("pair")
                .input("x", DataType.FP32, -1, 3)
                .node("Identity", List.of("x"), List.of("same"))
                .node("Cast", List.of("x"), List.of("as_double"), Attribute.ofInt("to", 11))
                .output("same", DataType.FP32, -1, 3)
                .output("as_double", DataType.FP64, -1, 3)
                .build();
    }

    // ---- health and metadata ----

    @Test
    void healthLive_returns200() throws Exception {
        HttpResponse<String> r = get("/v2/health/live");
        assertEquals(200, r.statusCode());
        assertTrue(json(r).path("live").asBoolean());
    }

    @Test
    void healthReady_afterLoading_returns200EvenWithABrokenModel() throws Exception {
        HttpResponse<String> r = get("/v2/health/ready");
        assertEquals(200, r.statusCode());
        assertTrue(json(r).path("ready").asBoolean());
    }

    @Test
    void serverMetadata_listsNameVersionAndExtensions() throws Exception {
        JsonNode meta = json(get("/v2"), 200);
        assertEquals("batchwise", meta.path("name").asText());
        assertFalse(meta.path("version").asText().isEmpty());
        List<String> extensions = JSON.convertValue(meta.path("extensions"), List.class);
        assertTrue(extensions.contains("binary_tensor_data"), extensions.toString());
    }

    @Test
    void modelMetadata_tiny_hasPlatformVersionsAndSignature() throws Exception {
        for (String path : List.of("/v2/models/tiny", "/v2/models/tiny/versions/1")) {
            JsonNode meta = json(get(path), 200);
            assertEquals("tiny", meta.path("name").asText());
            assertEquals("onnxruntime_onnx", meta.path("platform").asText());
            assertEquals(List.of("1"), JSON.convertValue(meta.path("versions"), List.class));
            assertEquals("READY", meta.path("state").asText());
            assertSpec(meta.path("inputs"), "input", "FP32", -1, 16);
            assertSpec(meta.path("outputs"), "output", "FP32", -1, 4);
        }
        JsonNode embedder = json(get("/v2/models/embedder"), 200);
        assertSpec(embedder.path("inputs"), "input_ids", "INT64", -1, 64);
        assertSpec(embedder.path("outputs"), "embedding", "FP32", -1, 384);
    }

    @Test
    void modelMetadata_brokenModel_showsFailedWithReason() throws Exception {
        JsonNode meta = json(get("/v2/models/broken"), 200);
        assertEquals("FAILED", meta.path("state").asText());
        assertFalse(meta.path("reason").asText().isBlank(), meta.toString());
        assertJsonError(get("/v2/models/broken/ready"), 503);
        assertJsonError(post("/v2/models/broken/infer", tinyJson(1, false), Map.of()), 503);
    }

    @Test
    void modelReady_readyModelAndVersion_return200() throws Exception {
        assertTrue(json(get("/v2/models/tiny/ready"), 200).path("ready").asBoolean());
        assertTrue(json(get("/v2/models/embedder/versions/1/ready"), 200).path("ready").asBoolean());
    }

    @Test
    void metadataAndReady_unknownModelOrVersion_return404() throws Exception {
        assertJsonError(get("/v2/models/nope"), 404);
        assertJsonError(get("/v2/models/tiny/versions/2"), 404);
        assertJsonError(get("/v2/models/nope/ready"), 404);
        assertJsonError(get("/v2/models/tiny/versions/9/ready"), 404);
        assertJsonError(get("/v2/no/such/endpoint"), 404);
    }

    // ---- inference ----

    @Test
    void infer_flatJson_returnsTheModelsOutputAndEchoesId() throws Exception {
        float[] in = randomFloats(3 * 16, 1);
        ObjectNode body = tinyRequest(in, 3, false);
        body.put("id", "req-42");
        JsonNode res = json(post("/v2/models/tiny/infer", body.toString(), Map.of()), 200);
        assertEquals("req-42", res.path("id").asText());
        assertEquals("tiny", res.path("model_name").asText());
        assertEquals("1", res.path("model_version").asText());
        JsonNode out = res.path("outputs").get(0);
        assertEquals("output", out.path("name").asText());
        assertEquals("FP32", out.path("datatype").asText());
        assertEquals(List.of(3, 4), JSON.convertValue(out.path("shape"), List.class));
        assertArrayEquals(expectedTiny(in, 3), doubles(out.path("data")), 1e-6);
    }

    @Test
    void infer_nestedJson_givesTheSameAsFlat() throws Exception {
        float[] in = randomFloats(2 * 16, 2);
        JsonNode flat = json(post("/v2/models/tiny/infer", tinyRequest(in, 2, false).toString(), Map.of()), 200);
        JsonNode nested = json(post("/v2/models/tiny/infer", tinyRequest(in, 2, true).toString(), Map.of()), 200);
        assertArrayEquals(doubles(flat.path("outputs").get(0).path("data")),
                doubles(nested.path("outputs").get(0).path("data")), 0.0);
        assertArrayEquals(expectedTiny(in, 2), doubles(nested.path("outputs").get(0).path("data")), 1e-6);
    }

    @Test
    void infer_versionedPath_servesThatVersion() throws Exception {
        JsonNode res = json(post("/v2/models/tiny/versions/1/infer", tinyJson(1, false), Map.of()), 200);
        assertEquals("1", res.path("model_version").asText());
    }

    @Test
    void infer_outputsSelected_returnsOnlyThoseOutputs() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}],"
                + "\"outputs\":[{\"name\":\"as_double\"}]}";
        JsonNode res = json(post("/v2/models/pair/infer", body, Map.of()), 200);
        assertEquals(1, res.path("outputs").size());
        JsonNode out = res.path("outputs").get(0);
        assertEquals("as_double", out.path("name").asText());
        assertEquals("FP64", out.path("datatype").asText());
        assertArrayEquals(new double[] {1, 2, 3}, doubles(out.path("data")), 0.0);

        JsonNode both = json(post("/v2/models/pair/infer", body.replace(",\"outputs\":[{\"name\":\"as_double\"}]", ""),
                Map.of()), 200);
        assertEquals(2, both.path("outputs").size());
    }

    @Test
    void infer_parameters_areAccepted() throws Exception {
        ObjectNode body = tinyRequest(randomFloats(16, 3), 1, false);
        ObjectNode params = body.putObject("parameters");
        params.put("timeout", 5_000_000);
        params.put("priority", 1);
        params.put("custom", "anything");
        params.putObject("nested").put("k", true);
        ((ObjectNode) body.get("inputs").get(0)).putObject("parameters").put("note", "per-tensor");
        JsonNode res = json(post("/v2/models/tiny/infer", body.toString(), Map.of()), 200);
        assertEquals(1, res.path("outputs").size());
    }

    @Test
    void infer_nanAndInfinity_areValidFloats() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,3],"
                + "\"data\":[\"NaN\",\"Infinity\",\"-Infinity\",NaN,Infinity,-Infinity]}]}";
        JsonNode res = json(post("/v2/models/pair/infer", body, Map.of()), 200);
        for (JsonNode out : res.path("outputs")) {
            double[] values = doubles(out.path("data"));
            for (int i = 0; i < 6; i += 3) {
                assertTrue(Double.isNaN(values[i]), out.toString());
                assertEquals(Double.POSITIVE_INFINITY, values[i + 1], out.toString());
                assertEquals(Double.NEGATIVE_INFINITY, values[i + 2], out.toString());
            }
        }
    }

    @Test
    void infer_embedderInt64_returnsUnitVectors() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode in = body.putArray("inputs").addObject().put("name", "input_ids").put("datatype", "INT64");
        in.putArray("shape").add(2).add(64);
        ArrayNode data = in.putArray("data");
        for (int i = 0; i < 128; i++) {
            data.add((i * 37) % 8192);
        }
        JsonNode out = json(post("/v2/models/embedder/infer", body.toString(), Map.of()), 200).path("outputs").get(0);
        double[] v = doubles(out.path("data"));
        assertEquals(2 * 384, v.length);
        double norm = 0;
        for (int i = 0; i < 384; i++) {
            norm += v[i] * v[i];
        }
        assertEquals(1.0, norm, 1e-4);
    }

    @Test
    void infer_binaryTensorDataBothWays_roundTripsThroughTheModel() throws Exception {
        float[] in = randomFloats(4 * 16, 4);
        InferenceRequest request = new InferenceRequest("bin-1",
                List.of(Tensor.ofFloats("input", new long[] {4, 16}, in)), List.of("output"), Map.of());
        EncodedBody enc = CODEC.encodeBinaryRequest(request, BinaryOutputs.all());
        assertTrue(enc.hasBinaryData());

        HttpResponse<byte[]> r = postBytes("/v2/models/tiny/infer", enc.body(),
                Map.of(EncodedBody.HEADER_LENGTH, enc.headerLength().toString(), "Content-Type", enc.contentType()));

        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        String headerLength = r.headers().firstValue(EncodedBody.HEADER_LENGTH).orElse(null);
        assertNotNull(headerLength, "binary outputs come with " + EncodedBody.HEADER_LENGTH);
        InferenceResponse res = CODEC.decodeResponse(r.body(), headerLength);
        assertEquals("bin-1", res.id());
        assertArrayEquals(expectedTiny(in, 4), res.outputs().get(0).toDoubles(), 1e-6);
    }

    @Test
    void infer_binaryInputJsonOutput_andJsonInputBinaryOutput_work() throws Exception {
        float[] in = randomFloats(2 * 16, 5);
        InferenceRequest request = new InferenceRequest(null,
                List.of(Tensor.ofFloats("input", new long[] {2, 16}, in)), List.of(), Map.of());
        EncodedBody binIn = CODEC.encodeBinaryRequest(request, BinaryOutputs.none());
        HttpResponse<byte[]> r1 = postBytes("/v2/models/tiny/infer", binIn.body(),
                Map.of(EncodedBody.HEADER_LENGTH, binIn.headerLength().toString()));
        assertEquals(200, r1.statusCode());
        assertTrue(r1.headers().firstValue(EncodedBody.HEADER_LENGTH).isEmpty());
        InferenceResponse res1 = CODEC.decodeResponse(r1.body(), null);

        EncodedBody jsonIn = CODEC.encodeJsonRequest(request, BinaryOutputs.all());
        assertFalse(jsonIn.hasBinaryData());
        HttpResponse<byte[]> r2 = postBytes("/v2/models/tiny/infer", jsonIn.body(), Map.of());
        assertEquals(200, r2.statusCode());
        InferenceResponse res2 = CODEC.decodeResponse(r2.body(),
                r2.headers().firstValue(EncodedBody.HEADER_LENGTH).orElseThrow());

        assertArrayEquals(expectedTiny(in, 2), res1.outputs().get(0).toDoubles(), 1e-6);
        assertArrayEquals(res1.outputs().get(0).toDoubles(), res2.outputs().get(0).toDoubles(), 0.0);
    }

    @Test
    void infer_respondAsync_returns202WithLocationThenTheResult() throws Exception {
        // A 64-row embedder run takes milliseconds, so the answer is still pending when the
        // server decides; the protocol also allows a direct 200, which must then be the result.
        ObjectNode body = JSON.createObjectNode().put("id", "async-1");
        ObjectNode in = body.putArray("inputs").addObject().put("name", "input_ids").put("datatype", "INT64");
        in.putArray("shape").add(64).add(64);
        ArrayNode data = in.putArray("data");
        for (int i = 0; i < 64 * 64; i++) {
            data.add(i % 8192);
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            HttpResponse<String> r = post("/v2/models/embedder/infer", body.toString(), Map.of("Prefer", "respond-async"));
            if (r.statusCode() == 200) {
                assertEquals("async-1", json(r).path("id").asText());
                continue;
            }
            assertEquals(202, r.statusCode(), r.body());
            String location = r.headers().firstValue("Location").orElseThrow();
            assertTrue(location.startsWith("/v2/requests/"), location);
            JsonNode done = poll(location);
            assertEquals("async-1", done.path("id").asText());
            assertEquals(64 * 384, done.path("outputs").get(0).path("data").size());
            return;
        }
        fail("five respond-async requests were all answered synchronously");
    }

    @Test
    void asyncResult_unknownId_returns404() throws Exception {
        assertJsonError(get("/v2/requests/00000000-0000-0000-0000-000000000000"), 404);
    }

    @Test
    void metrics_afterInference_exposeSchedulerFamilies() throws Exception {
        json(post("/v2/models/tiny/infer", tinyJson(2, false), Map.of()), 200);
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        for (String family : List.of("batchwise_requests_total", "batchwise_rows_total", "batchwise_run_rows",
                "batchwise_run_seconds", "batchwise_request_seconds", "batchwise_queue_seconds")) {
            assertTrue(r.body().contains("# TYPE " + family + " "), family + " missing from /metrics");
        }
        assertTrue(r.body().lines().anyMatch(l -> l.startsWith("batchwise_requests_total{") && l.contains("tiny")),
                r.body());
        assertTrue(r.body().lines().anyMatch(l -> l.startsWith(
                "batchwise_tail_reserve_ratio{model=\"tiny\",class=\"interactive\"} 0.")), r.body());
    }

    // ---- bad input ----

    static Stream<Arguments> badRequests() {
        String tinyInput = "{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":" + zeros(16) + "}";
        return Stream.of(
                bad("malformed JSON", "tiny", "{\"inputs\": [", 400),
                bad("not an object", "tiny", "[1, 2, 3]", 400),
                bad("empty body", "tiny", "", 400),
                bad("unknown model", "nope", "{\"inputs\":[" + tinyInput + "]}", 404),
                bad("unknown version", "tiny/versions/3", "{\"inputs\":[" + tinyInput + "]}", 404),
                bad("unknown input", "tiny", "{\"inputs\":[" + tinyInput + ","
                        + tinyInput.replace("\"input\"", "\"extra\"") + "]}", 400),
                bad("missing input", "tiny", "{\"inputs\":[]}", 400),
                bad("no inputs field", "tiny", "{\"id\":\"x\"}", 400),
                bad("unknown output", "tiny", "{\"inputs\":[" + tinyInput + "],\"outputs\":[{\"name\":\"nope\"}]}", 400),
                bad("wrong datatype", "tiny", "{\"inputs\":[" + tinyInput.replace("FP32", "FP64") + "]}", 400),
                bad("unsupported datatype", "tiny", "{\"inputs\":[" + tinyInput.replace("FP32", "FLOAT") + "]}", 400),
                bad("wrong rank", "tiny", "{\"inputs\":[" + tinyInput.replace("[1,16]", "[16]") + "]}", 400),
                bad("wrong shape", "tiny", "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,15],"
                        + "\"data\":" + zeros(15) + "}]}", 400),
                bad("negative dimension", "tiny", "{\"inputs\":[" + tinyInput.replace("[1,16]", "[-1,16]") + "]}", 400),
                bad("data shorter than shape", "tiny", "{\"inputs\":[" + tinyInput.replace("[1,16]", "[2,16]") + "]}",
                        400),
                bad("data longer than shape", "tiny", "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                        + "\"shape\":[1,16],\"data\":" + zeros(17) + "}]}", 400),
                bad("non-numeric data", "tiny", "{\"inputs\":[" + tinyInput.replace("[0,", "[\"zero\",") + "]}", 400),
                bad("boolean in FP32 data", "tiny", "{\"inputs\":[" + tinyInput.replace("[0,", "[true,") + "]}", 400),
                bad("object in data", "tiny", "{\"inputs\":[" + tinyInput.replace("[0,", "[{},") + "]}", 400),
                bad("fraction in INT64 data", "embedder", "{\"inputs\":[{\"name\":\"input_ids\",\"datatype\":\"INT64\","
                        + "\"shape\":[1,64],\"data\":" + zeros(63).replace("[", "[1.5,") + "}]}", 400),
                bad("token id out of the vocabulary", "embedder", "{\"inputs\":[{\"name\":\"input_ids\","
                        + "\"datatype\":\"INT64\",\"shape\":[1,64],\"data\":" + zeros(63).replace("[", "[99999,")
                        + "}]}", 400),
                bad("zero rows", "tiny", "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[0,16],"
                        + "\"data\":[]}]}", 400));
    }

    private static Arguments bad(String what, String model, String body, int status) {
        return Arguments.of(what, model, body, status);
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("badRequests")
    void infer_badRequest_getsJsonErrorAndServerStillServes(String what, String model, String body, int status)
            throws Exception {
        assertJsonError(post("/v2/models/" + model + "/infer", body, Map.of()), status);
        assertStillServes(server);
    }

    @Test
    void infer_headerLengthLargerThanBody_returns400() throws Exception {
        String body = tinyJson(1, false);
        assertJsonError(post("/v2/models/tiny/infer", body, Map.of(EncodedBody.HEADER_LENGTH,
                Integer.toString(body.length() + 10))), 400);
        assertJsonError(post("/v2/models/tiny/infer", body, Map.of(EncodedBody.HEADER_LENGTH, "lots")), 400);
        assertJsonError(post("/v2/models/tiny/infer", body, Map.of(EncodedBody.HEADER_LENGTH, "-1")), 400);
        assertStillServes(server);
    }

    @Test
    void infer_binarySizeNotMatchingShape_returns400() throws Exception {
        InferenceRequest request = new InferenceRequest(null,
                List.of(Tensor.ofFloats("input", new long[] {1, 16}, new float[16])), List.of(), Map.of());
        EncodedBody enc = CODEC.encodeBinaryRequest(request, BinaryOutputs.none());
        byte[] truncated = java.util.Arrays.copyOf(enc.body(), enc.body().length - 4);
        HttpResponse<byte[]> r = postBytes("/v2/models/tiny/infer", truncated,
                Map.of(EncodedBody.HEADER_LENGTH, enc.headerLength().toString()));
        assertJsonError(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                new String(r.body(), StandardCharsets.UTF_8), 400);
        byte[] extra = java.util.Arrays.copyOf(enc.body(), enc.body().length + 4);
        HttpResponse<byte[]> r2 = postBytes("/v2/models/tiny/infer", extra,
                Map.of(EncodedBody.HEADER_LENGTH, enc.headerLength().toString()));
        assertEquals(400, r2.statusCode());
        assertStillServes(server);
    }

    @Test
    void infer_bodyOverTheLimit_returns413AndServerStillServes() throws Exception {
        String big = tinyJson(64, false); // ~6 KB of JSON against a 4 KB limit
        assertTrue(big.length() > 4096);
        String small = "http://127.0.0.1:" + smallBodyServer.port();
        HttpResponse<String> withLength = CLIENT.send(HttpRequest.newBuilder(URI.create(small + "/v2/models/tiny/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertJsonError(withLength, 413);

        // chunked: no Content-Length, so the limit is enforced while reading
        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(URI.create(small + "/v2/models/tiny/infer"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertJsonError(chunked, 413);

        assertStillServes(smallBodyServer);
        assertStillServes(server);
    }

    @Test
    void infer_wrongMethod_getsJsonError() throws Exception {
        HttpResponse<String> r = get("/v2/models/tiny/infer");
        assertTrue(r.statusCode() == 404 || r.statusCode() == 405, r.statusCode() + " " + r.body());
        assertJsonError(r, r.statusCode());
    }

    // ---- helpers ----

    private static void assertStillServes(BatchwiseServer s) throws Exception {
        float[] in = randomFloats(16, 9);
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + s.port() + "/v2/models/tiny/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(tinyRequest(in, 1, false).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertArrayEquals(expectedTiny(in, 1), doubles(json(r).path("outputs").get(0).path("data")), 1e-6);
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws IOException {
        assertJsonError(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), status);
    }

    private static void assertJsonError(int actual, String contentType, String body, int status) throws IOException {
        assertEquals(status, actual, body);
        assertTrue(contentType.startsWith("application/json"), contentType);
        JsonNode error = JSON.readTree(body);
        assertEquals(1, error.size(), body);
        assertTrue(error.path("error").isTextual() && !error.path("error").asText().isBlank(), body);
        assertFalse(body.contains("at io.") || body.contains("Exception"), "stack trace or exception leaked: " + body);
    }

    private static void assertSpec(JsonNode specs, String name, String datatype, long... shape) {
        assertEquals(1, specs.size(), specs.toString());
        assertEquals(name, specs.get(0).path("name").asText());
        assertEquals(datatype, specs.get(0).path("datatype").asText());
        long[] actual = new long[specs.get(0).path("shape").size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = specs.get(0).path("shape").get(i).asLong();
        }
        assertArrayEquals(shape, actual);
    }

    private static JsonNode poll(String location) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            HttpResponse<String> r = get(location);
            if (r.statusCode() == 200) {
                return json(r);
            }
            assertEquals(202, r.statusCode(), r.body());
            Thread.sleep(20);
        }
        throw new AssertionError("no result at " + location + " within 10 s");
    }

    private static double[] expectedTiny(float[] in, int rows) {
        Tensor out = reference.runBatch(List.of(List.of(Tensor.ofFloats("input", new long[] {rows, 16}, in))), Set.of())
                .get(0).get(0);
        return out.toDoubles();
    }

    private static String tinyJson(int rows, boolean nested) {
        return tinyRequest(randomFloats(rows * 16, rows), rows, nested).toString();
    }

    private static ObjectNode tinyRequest(float[] values, int rows, boolean nested) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode in = body.putArray("inputs").addObject().put("name", "input").put("datatype", "FP32");
        in.putArray("shape").add(rows).add(16);
        ArrayNode data = in.putArray("data");
        for (int r = 0; r < rows; r++) {
            ArrayNode row = nested ? data.addArray() : data;
            for (int c = 0; c < 16; c++) {
                row.add(values[r * 16 + c]);
            }
        }
        return body;
    }

    private static float[] randomFloats(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-3, 3);
        }
        return v;
    }

    private static String zeros(int n) {
        return "[" + String.join(",", java.util.Collections.nCopies(n, "0")) + "]";
    }

    /** Flattens JSON data (flat or nested), reading "NaN"/"Infinity" strings as numbers. */
    private static double[] doubles(JsonNode data) {
        List<Double> out = new java.util.ArrayList<>();
        flatten(data, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            n.forEach(c -> flatten(c, out));
        } else if (n.isTextual()) {
            out.add(Double.parseDouble(n.asText()));
        } else {
            out.add(n.asDouble());
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static JsonNode json(HttpResponse<String> r, int status) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return json(r);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> postBytes(String path, byte[] body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
