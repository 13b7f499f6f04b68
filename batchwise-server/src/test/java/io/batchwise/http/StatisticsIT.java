package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triton's statistics extension over real HTTP, filled by real inference through the scheduler. */
class StatisticsIT {
    @TempDir
    static Path dir;
    static BatchwiseServer server;
    static TestServer http;

    @BeforeAll
    static void start() {
        Path models = dir.resolve("models");
        TestServer.tinyModel(models, "counted", TestServer.FAST);
        TestServer.tinyModel(models, "untouched", TestServer.FAST);
        // Waits 2 s for more rows but promises 50 ms and rejects late work: every request expires queued.
        TestServer.tinyModel(models, "expiring", "max_batch_size: 64\nlatency_target: 50ms\n"
                + "batching: {policy: window, max_queue_delay: 2s}\nqueue: {timeout_action: reject}\n");
        TestServer.tinyModel(models, "refusing", TestServer.FAST);
        server = BatchwiseServer.start(ServerSettings.forTests(models, dir.resolve("data")));
        http = new TestServer(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode onlyModel(TestServer.Reply reply) {
        assertEquals(200, reply.status(), reply.toString());
        JsonNode stats = reply.json().get("model_stats");
        assertEquals(1, stats.size(), reply.toString());
        return stats.get(0);
    }

    private static long count(JsonNode n, String field) {
        return n.get("inference_stats").get(field).get("count").asLong();
    }

    private static long ns(JsonNode n, String field) {
        return n.get("inference_stats").get(field).get("ns").asLong();
    }

    @Test
    void modelStats_afterRestInference_countRowsRunsAndTimesInTritonShape() {
        long before = System.currentTimeMillis();
        List<TestServer.Reply> replies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replies.add(http.post("/v2/models/counted/infer", TestServer.inferBody(2)));
        }
        replies.forEach(r -> assertEquals(200, r.status(), r.toString()));
        long after = System.currentTimeMillis();

        JsonNode m = onlyModel(http.get("/v2/models/counted/stats"));
        assertEquals("counted", m.get("name").asText());
        assertEquals("1", m.get("version").asText());
        assertEquals(6, m.get("inference_count").asLong());
        long executions = m.get("execution_count").asLong();
        assertTrue(executions >= 1 && executions <= 3, m.toString());
        assertEquals(3, count(m, "success"));
        assertTrue(ns(m, "success") > 0, m.toString());
        assertEquals(0, count(m, "fail"));
        assertEquals(3, count(m, "queue"));
        assertEquals(3, count(m, "compute_input"));
        assertEquals(3, count(m, "compute_infer"));
        assertTrue(ns(m, "compute_infer") > 0, m.toString());
        assertEquals(3, count(m, "compute_output"));
        assertTrue(ns(m, "success") >= ns(m, "compute_infer"), m.toString());
        long lastInference = m.get("last_inference").asLong();
        assertTrue(lastInference >= before && lastInference <= after, lastInference + " not in " + before + ".." + after);
        long runs = 0;
        long rows = 0;
        for (JsonNode b : m.get("batch_stats")) {
            long n = b.get("compute_infer").get("count").asLong();
            assertEquals(n, b.get("compute_input").get("count").asLong());
            assertEquals(n, b.get("compute_output").get("count").asLong());
            assertTrue(b.get("compute_infer").get("ns").asLong() > 0);
            runs += n;
            rows += n * b.get("batch_size").asLong();
        }
        assertEquals(executions, runs);
        assertEquals(6, rows);
    }

    @Test
    void allModelsStats_listEveryModelByName_withZerosForUnusedOnes() {
        TestServer.Reply reply = http.get("/v2/models/stats");
        assertEquals(200, reply.status(), reply.toString());
        List<String> names = new ArrayList<>();
        JsonNode untouched = null;
        for (JsonNode m : reply.json().get("model_stats")) {
            names.add(m.get("name").asText());
            if (m.get("name").asText().equals("untouched")) {
                untouched = m;
            }
        }
        assertEquals(List.of("counted", "expiring", "refusing", "untouched"), names);
        assertEquals(0, untouched.get("inference_count").asLong());
        assertEquals(0, untouched.get("execution_count").asLong());
        assertEquals(0, untouched.get("last_inference").asLong());
        assertEquals(0, count(untouched, "success"));
        assertEquals(0, untouched.get("batch_stats").size());
    }

    @Test
    void modelStats_requestExpiredInQueue_countsAsFail() {
        TestServer.Reply reply = http.post("/v2/models/expiring/infer", TestServer.inferBody(1));
        assertEquals(503, reply.status(), reply.toString());
        JsonNode m = onlyModel(http.get("/v2/models/expiring/versions/1/stats"));
        assertEquals(1, count(m, "fail"));
        assertTrue(ns(m, "fail") >= 50_000_000L, m.toString());
        assertEquals(0, count(m, "success"));
        assertEquals(0, m.get("inference_count").asLong());
        assertEquals(0, m.get("execution_count").asLong());
    }

    @Test
    void modelStats_requestRefusedAtAdmission_countsAsFail() {
        // A one-microsecond budget cannot be met: refused at once with 503.
        String body = TestServer.inferBody(1).replace("{\"inputs\"", "{\"parameters\":{\"timeout\":1},\"inputs\"");
        TestServer.Reply reply = http.post("/v2/models/refusing/infer", body);
        assertEquals(503, reply.status(), reply.toString());
        JsonNode m = onlyModel(http.get("/v2/models/refusing/stats"));
        assertEquals(1, count(m, "fail"));
        assertEquals(0, count(m, "success"));
        assertEquals(0, m.get("execution_count").asLong());
    }

    @Test
    void modelStats_unknownModelOrVersion_is404WithJsonError() {
        for (String path : List.of("/v2/models/nope/stats", "/v2/models/counted/versions/2/stats")) {
            TestServer.Reply reply = http.get(path);
            assertEquals(404, reply.status(), reply.toString());
            assertTrue(reply.json().get("error").asText().length() > 0);
        }
    }

    @Test
    void modelMetadata_stillServedBesideStats() {
        TestServer.Reply reply = http.get("/v2/models/counted");
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("counted", reply.json().get("name").asText());
    }
}
