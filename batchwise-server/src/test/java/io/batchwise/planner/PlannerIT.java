package io.batchwise.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.CapturedRun;
import io.batchwise.cli.ServerSettings;
import io.batchwise.onnx.DemoModels;
import io.batchwise.plan.Profile;
import io.batchwise.plan.ProfileJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner as a user runs it, on the tiny demo model with real ONNX Runtime: {@code profile}
 * writes a profile, {@code plan} reads it and writes every format, a bad inventory is one clear
 * line, a running server serves its live latency model as a profile over HTTP, and
 * {@code plan --validate} runs simulator and server on the same load.
 */
class PlannerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Path repo;

    @BeforeAll
    static void writeModel() throws Exception {
        repo = dir.resolve("models");
        DemoModels.writeTiny(repo);
    }

    private static Path workloads(String latency) throws Exception {
        Path file = dir.resolve("workloads-" + latency + ".yaml");
        Files.writeString(file, """
                workloads:
                  - name: tiny-live
                    model: tiny
                    rows_per_day: 5_000_000
                    peak_to_average: 3
                    latency: %s
                    current_mode: real-time
                    growth: 5%%
                  - name: tiny-nightly
                    model: tiny
                    rows_per_day: 50_000_000
                    peak_to_average: 24
                    latency: 8h
                    current_mode: batch-on-demand
                """.formatted(latency));
        return file;
    }

    @Test
    void profileThenPlan_writesTableJsonAndHtml() throws Exception {
        Path profiles = dir.resolve("profiles");
        CapturedRun p = CapturedRun.of("profile", "--model", "tiny", "--models", repo.toString(), "--instances", "1,2",
                "--runs", "5", "--min-time", "20ms", "--out", profiles.resolve("tiny.json").toString());
        assertEquals(0, p.code(), p.err());
        Profile profile = ProfileJson.read(profiles.resolve("tiny.json"));
        assertEquals("measured", profile.source());
        assertEquals(java.util.List.of(1, 2), profile.instanceCounts());
        assertEquals(java.util.List.of(1, 2, 4, 8, 16, 32, 64),
                profile.pointsFor(1).stream().map(Profile.Point::batchSize).toList());

        Path inventory = workloads("50ms");
        CapturedRun json = CapturedRun.of("plan", inventory.toString(), "--profiles", profiles.toString(), "--format", "json",
                "--simulated-requests", "2000", "--out", dir.resolve("plan.json").toString());
        assertEquals(0, json.code(), json.err());
        JsonNode plan = JSON.readTree(dir.resolve("plan.json").toFile());
        assertEquals(2, plan.path("workloads").size());
        assertEquals("batch-spot", plan.path("workloads").get(1).path("recommended_mode").asText());
        assertEquals(12, plan.path("forecast").size());

        CapturedRun html = CapturedRun.of("plan", inventory.toString(), "--profiles", profiles.toString(), "--format", "html",
                "--simulated-requests", "2000", "--out", dir.resolve("plan.html").toString());
        assertEquals(0, html.code(), html.err());
        String page = Files.readString(dir.resolve("plan.html"));
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("data-chart=\"latency-vs-load\""));

        CapturedRun table = CapturedRun.of("plan", inventory.toString(), "--profiles", profiles.toString(),
                "--simulated-requests", "2000");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("tiny-nightly") && table.out().contains("-> recommended: batch-spot"),
                table.out());
    }

    @Test
    void plan_badInventory_exits2WithFileLineAndField() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "workloads:\n  - name: a\n    model: tiny\n    rows_per_day: 10\n"
                + "    peak_to_average: 2\n    latency: soon\n    current_mode: real-time\n");
        CapturedRun c = CapturedRun.of("plan", file.toString(), "--profiles", dir.resolve("none").toString());
        assertEquals(2, c.code());
        assertEquals("error: " + file + ":6: workloads[0].latency: not a duration like 50ms, 2s, 5m or 8h (got soon)",
                c.err().trim());
    }

    @Test
    void plan_missingProfile_exits2NamingTheModelLine() throws Exception {
        CapturedRun c = CapturedRun.of("plan", workloads("50ms").toString(), "--profiles", dir.resolve("empty").toString());
        assertEquals(2, c.code());
        assertTrue(c.err().startsWith("error: " + dir.resolve("workloads-50ms.yaml") + ":3: workloads[0].model: "
                + "no profile for model 'tiny'"), c.err());
    }

    @Test
    void profileRoute_runningServer_servesItsLatencyModel() throws Exception {
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(repo, dir.resolve("data")))) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port() + "/v2/models/";
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(base + "tiny/profile")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            Profile live = ProfileJson.parse(ok.body(), "live");
            assertEquals("live", live.source());
            assertEquals(64, live.maxBatchSize());
            assertTrue(live.points().size() >= 3, ok.body());
            assertEquals(1, live.points().get(0).batchSize());
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "nope/profile"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(JSON.readTree(missing.body()).path("error").asText().contains("nope"));
        }
    }

    @Test
    void validate_tiny_comparesPredictedAndMeasured() throws Exception {
        CapturedRun c = CapturedRun.of("plan", "--validate", "--model", "tiny", "--models", repo.toString(), "--duration", "1s",
                "--format", "json");
        assertEquals(0, c.code(), c.err());
        JsonNode r = JSON.readTree(c.out());
        assertEquals("tiny", r.path("model").asText());
        assertTrue(r.path("measured_load").path("sent").asLong() > 0, c.out());
        assertEquals(7, r.path("comparisons").size());
        JsonNode p99 = r.path("comparisons").get(0);
        assertEquals("p99 latency", p99.path("quantity").asText());
        assertTrue(p99.path("predicted").isNumber() && p99.path("predicted").asDouble() > 0, c.out());
    }
}
