package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model repository extension over real HTTP: index, load, unload, and unload under load. */
class RepositoryIT {
    @TempDir
    static Path dir;
    static Path models;
    static BatchwiseServer server;
    static TestServer http;

    @BeforeAll
    static void start() throws IOException {
        models = dir.resolve("models");
        TestServer.tinyModel(models, "steady", TestServer.FAST);
        TestServer.tinyModel(models, "cycled", TestServer.FAST);
        // Holds requests 30 s for more rows and never drops them for lateness: they stay queued.
        TestServer.tinyModel(models, "held", "max_batch_size: 64\nlatency_target: 60s\n"
                + "batching: {policy: window, max_queue_delay: 30s}\nqueue: {timeout_action: delay}\n");
        Files.createDirectories(models.resolve("broken/1"));
        Files.writeString(models.resolve("broken/1/model.onnx"), "not an onnx file");
        server = BatchwiseServer.start(ServerSettings.forTests(models, dir.resolve("data")));
        http = new TestServer(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, JsonNode> index(String body) {
        TestServer.Reply reply = http.post("/v2/repository/index", body);
        assertEquals(200, reply.status(), reply.toString());
        Map<String, JsonNode> byName = new HashMap<>();
        reply.json().forEach(n -> byName.put(n.get("name").asText(), n));
        return byName;
    }

    private static TestServer.Reply infer(String model) {
        return http.post("/v2/models/" + model + "/infer", TestServer.inferBody(1));
    }

    @Test
    void index_listsEveryModelWithItsState() {
        Map<String, JsonNode> all = index("");
        assertTrue(all.keySet().containsAll(Set.of("steady", "held", "broken")), all.toString());
        assertEquals("READY", all.get("steady").get("state").asText());
        assertEquals("1", all.get("steady").get("version").asText());
        assertFalse(all.get("steady").has("reason"));
        assertEquals("UNAVAILABLE", all.get("broken").get("state").asText());
        assertFalse(all.get("broken").get("reason").asText().isBlank());

        Map<String, JsonNode> ready = index("{\"ready\": true}");
        assertTrue(ready.containsKey("steady"));
        assertFalse(ready.containsKey("broken"));
        ready.values().forEach(n -> assertEquals("READY", n.get("state").asText()));
    }

    @Test
    void index_badBody_is400() {
        for (String body : List.of("[1]", "{\"ready\": \"yes\"}", "{\"bogus\": 1}", "{not json")) {
            TestServer.Reply reply = http.post("/v2/repository/index", body);
            assertEquals(400, reply.status(), body + " -> " + reply);
            assertFalse(reply.json().get("error").asText().isBlank());
        }
    }

    @Test
    void unloadThenLoad_takesModelOutAndBack() {
        assertEquals(200, infer("cycled").status());
        TestServer.Reply unloaded = http.post("/v2/repository/models/cycled/unload", "");
        assertEquals(200, unloaded.status(), unloaded.toString());
        assertEquals(404, infer("cycled").status());
        assertEquals(404, http.get("/v2/models/cycled/ready").status());
        JsonNode entry = index("").get("cycled");
        assertEquals("UNAVAILABLE", entry.get("state").asText());
        assertEquals("unloaded", entry.get("reason").asText());
        assertEquals(404, http.post("/v2/repository/models/cycled/unload", "").status());

        TestServer.Reply loaded = http.post("/v2/repository/models/cycled/load", "{\"parameters\": {}}");
        assertEquals(200, loaded.status(), loaded.toString());
        assertEquals("READY", loaded.json().get("state").asText());
        assertEquals(200, http.get("/v2/models/cycled/ready").status());
        assertEquals(200, infer("cycled").status());
    }

    @Test
    void load_folderAddedAfterStart_servesIt() {
        TestServer.tinyModel(models, "added", TestServer.FAST);
        assertEquals(404, infer("added").status());
        TestServer.Reply loaded = http.post("/v2/repository/models/added/load", "");
        assertEquals(200, loaded.status(), loaded.toString());
        assertEquals("1", loaded.json().get("version").asText());
        TestServer.Reply reply = infer("added");
        assertEquals(200, reply.status(), reply.toString());
        assertEquals(4, reply.json().get("outputs").get(0).get("data").size());
    }

    @Test
    void load_badRequests_areClientErrors() {
        assertEquals(404, http.post("/v2/repository/models/nope/load", "").status());
        TestServer.Reply broken = http.post("/v2/repository/models/broken/load", "");
        assertEquals(400, broken.status(), broken.toString());
        assertTrue(broken.json().get("error").asText().contains("failed to load model 'broken'"), broken.toString());
        TestServer.Reply params = http.post("/v2/repository/models/steady/load",
                "{\"parameters\": {\"config\": \"{}\"}}");
        assertEquals(400, params.status(), params.toString());
        assertTrue(params.json().get("error").asText().contains("parameters.config"), params.toString());
        assertEquals(400, http.post("/v2/repository/models/bad%20name/load", "").status());
        assertEquals(400, http.post("/v2/repository/models/steady/unload",
                "{\"parameters\": {\"force\": true}}").status());
        assertEquals(200, infer("steady").status());
    }

    /**
     * Unloading a model with queued requests while another model serves a steady stream: every
     * queued request of the unloaded model completes with 503, none hangs; the other model answers
     * every request.
     */
    @Test
    void unload_underLoad_failsQueuedRequestsAndLeavesOtherModelsServing() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Integer> steadyStatuses = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread steady = new Thread(() -> {
            for (int i = 0; i < 2000 && running.get(); i++) {
                steadyStatuses.add(infer("steady").status());
            }
        }, "steady-traffic");
        steady.start();
        try {
            // Async requests: a 202 proves the request was admitted and is queued (the window holds it 30 s).
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TestServer.Reply r = http.post("/v2/models/held/infer", TestServer.inferBody(1),
                        "Prefer", "respond-async");
                assertEquals(202, r.status(), r.toString());
                queued.add(r.json().get("id").asText());
            }
            // Plain requests in flight, admitted or not yet when the unload lands.
            List<CompletableFuture<TestServer.Reply>> inFlight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inFlight.add(http.sendAsync("/v2/models/held/infer", TestServer.inferBody(1)));
            }
            TestServer.Reply unloaded = http.post("/v2/repository/models/held/unload", "");
            assertEquals(200, unloaded.status(), unloaded.toString());

            for (String id : queued) {
                TestServer.Reply result = awaitResult(id);
                assertEquals(503, result.status(), result.toString());
                assertTrue(result.json().get("error").asText().contains("unloaded"), result.toString());
            }
            for (CompletableFuture<TestServer.Reply> f : inFlight) {
                TestServer.Reply r = f.get(20, TimeUnit.SECONDS);
                assertTrue(r.status() == 503 || r.status() == 404, r.toString());
            }
            int before = steadyStatuses.size();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (steadyStatuses.size() < before + 5 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertTrue(steadyStatuses.size() >= before + 5, "steady traffic stalled after the unload");
        } finally {
            running.set(false);
            steady.join(TimeUnit.SECONDS.toMillis(30));
            TestServer.Reply reloaded = http.post("/v2/repository/models/held/load", "");
            assertEquals(200, reloaded.status(), reloaded.toString());
        }
        assertFalse(steadyStatuses.isEmpty());
        List<Integer> failures = steadyStatuses.stream().filter(s -> s != 200).toList();
        assertEquals(List.of(), failures, "the other model must answer every request");
    }

    private static TestServer.Reply awaitResult(String id) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            TestServer.Reply r = http.get("/v2/requests/" + id);
            if (r.status() != 202 || System.nanoTime() > until) {
                return r;
            }
            Thread.sleep(20);
        }
    }
}
