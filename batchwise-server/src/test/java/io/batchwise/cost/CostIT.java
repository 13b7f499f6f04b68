package io.batchwise.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.Main;
import io.batchwise.cli.ServerSettings;
import io.batchwise.ledger.JobCost;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.schedule.Submission;
import io.batchwise.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cost ledger over real HTTP on the real tiny model: traffic of every class, then
 * {@code /v1/cost}, {@code /metrics} and {@code batchwise cost report} must agree with what was sent.
 */
class CostIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    // What setUp sends: interactive 5 x 1 row + 3 x 2 rows tagged team-a, deferred 2 x 4 rows, bulk 8 rows of job-1.
    private static final long INTERACTIVE_ROWS = 11;
    private static final long DEFERRED_ROWS = 8;
    private static final long BULK_ROWS = 8;

    @TempDir
    static Path dir;
    static BatchwiseServer server;
    static String url;

    @BeforeAll
    static void setUp() throws Exception {
        writeTiny(dir.resolve("models"));
        server = BatchwiseServer.start(ServerSettings.forTests(dir.resolve("models"), dir.resolve("data")));
        url = "http://127.0.0.1:" + server.port();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, infer(1, Map.of("priority", "interactive")).statusCode());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(200, infer(2, Map.of("priority", "interactive", "tag", "team-a")).statusCode());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(200, infer(4, Map.of("priority", "deferred")).statusCode());
        }
        float[] zeros = new float[8 * 16];
        InferenceRequest bulk = new InferenceRequest("b", List.of(Tensor.ofFloats("input", new long[] {8, 16}, zeros)),
                List.of(), Map.of());
        server.scheduler().submit("tiny", null, Submission.bulk(bulk, "job-1")).get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * The tiny demo model, served one request per run with a 5 s default budget: the test is about
     * what the ledger records, so a busy test machine must not expire or hold requests.
     * {@code parameters.priority} sets the class.
     */
    static void writeTiny(Path models) throws Exception {
        DemoModels.writeTiny(models);
        Path config = models.resolve("tiny").resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("policy: slo", "policy: none")
                .replace("latency_target: 20ms", "latency_target: 5s"));
    }

    static HttpResponse<String> infer(int rows, Map<String, Object> parameters) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode input = body.putArray("inputs").addObject();
        input.put("name", "input").put("datatype", "FP32");
        input.putArray("shape").add(rows).add(16);
        ArrayNode data = input.putArray("data");
        for (int i = 0; i < rows * 16; i++) {
            data.add(i % 7 * 0.1);
        }
        body.set("parameters", JSON.valueToTree(parameters));
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/tiny/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode cost(String query) throws Exception {
        HttpResponse<String> res = get("/v1/cost" + query);
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JSON.readTree(res.body());
    }

    static JsonNode tiny(JsonNode report) {
        for (JsonNode m : report.path("models")) {
            if (m.path("model").asText().equals("tiny")) {
                return m;
            }
        }
        throw new AssertionError("no tiny in " + report);
    }

    static JsonNode line(JsonNode model, String cls) {
        for (JsonNode c : model.path("classes")) {
            if (c.path("class").asText().equals(cls)) {
                return c;
            }
        }
        throw new AssertionError("no " + cls + " line in " + model);
    }

    @Test
    void cost_afterTraffic_rowsPerClassTagAndJobMatchWhatWasSent() throws Exception {
        JsonNode m = tiny(cost(""));
        assertEquals("cpu-on-demand", m.path("pool").asText());
        assertEquals("on-demand", m.path("pricing_category").asText());
        assertEquals(INTERACTIVE_ROWS, line(m, "interactive").path("rows").asLong());
        assertEquals(DEFERRED_ROWS, line(m, "deferred").path("rows").asLong());
        assertEquals(BULK_ROWS, line(m, "bulk").path("rows").asLong());
        assertEquals(INTERACTIVE_ROWS + DEFERRED_ROWS + BULK_ROWS, m.path("rows").asLong());
        assertEquals("team-a", m.path("tags").get(0).path("tag").asText());
        assertEquals(6, m.path("tags").get(0).path("rows").asLong());
        assertEquals("job-1", m.path("jobs").get(0).path("job").asText());
        assertEquals(BULK_ROWS, m.path("jobs").get(0).path("rows").asLong());
        assertTrue(line(m, "interactive").path("runs").asLong() >= 1);
    }

    @Test
    void cost_afterTraffic_costIsBusyPlusIdleAndClassesAddUp() throws Exception {
        for (String policy : List.of("interactive", "proportional", "separate")) {
            JsonNode r = cost("?idle_policy=" + policy);
            assertEquals(policy, r.path("idle_policy").asText());
            JsonNode m = tiny(r);
            double cost = m.path("cost").asDouble();
            assertTrue(cost > 0, "cost " + cost);
            assertTrue(m.path("provisioned_seconds").asDouble() > 0);
            double utilization = m.path("utilization").asDouble();
            assertTrue(utilization > 0 && utilization <= 1, "utilization " + utilization);
            assertEquals(cost, m.path("busy_cost").asDouble() + m.path("idle_cost").asDouble(), 1e-12);
            double classes = 0;
            for (JsonNode c : m.path("classes")) {
                classes += c.path("cost").asDouble();
                assertEquals(c.path("cost").asDouble(), c.path("busy_cost").asDouble() + c.path("idle_cost").asDouble(), 1e-12);
                assertEquals(c.path("cost").asDouble() * 1000 / c.path("rows").asDouble(),
                        c.path("cost_per_1k").asDouble(), 1e-9);
            }
            assertEquals(cost, classes + m.path("unattributed_cost").asDouble(), 1e-12);
            // $0.08925/h for 2 slots; tiny uses one intra-op thread.
            JsonNode instance = m.path("instances").get(0);
            assertEquals(0.08925 / 2, instance.path("rate_per_hour").asDouble(), 1e-12);
            assertEquals(instance.path("provisioned_seconds").asDouble() * 0.08925 / 2 / 3600,
                    instance.path("cost").asDouble(), 1e-12);
        }
        JsonNode separate = tiny(cost("?idle_policy=separate"));
        assertEquals(separate.path("idle_cost").asDouble(), separate.path("unattributed_cost").asDouble(), 1e-12);
        JsonNode interactive = tiny(cost("?idle_policy=interactive"));
        assertEquals(0, interactive.path("unattributed_cost").asDouble(), 0);
        assertEquals(0, line(interactive, "bulk").path("idle_cost").asDouble(), 0);
    }

    @Test
    void cost_classAndModelAndWindow_narrowTheReport() throws Exception {
        JsonNode m = tiny(cost("?model=tiny&class=bulk"));
        assertEquals(1, m.path("classes").size());
        assertEquals(BULK_ROWS, line(m, "bulk").path("rows").asLong());
        JsonNode past = cost("?from=2001-01-01&to=2001-01-02");
        assertEquals(0, tiny(past).path("rows").asLong());
        assertEquals(0, tiny(past).path("cost").asDouble(), 0);
        JsonNode recent = cost("?from=" + URLEncoder.encode(java.time.Instant.now().minusSeconds(3600).toString(),
                StandardCharsets.UTF_8));
        assertEquals(INTERACTIVE_ROWS, line(tiny(recent), "interactive").path("rows").asLong());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "?class=fast | class must be interactive, deferred or bulk",
        "?from=yesterday | from must be an ISO-8601 time",
        "?to=2026-13-45 | to must be an ISO-8601 time",
        "?idle_policy=nobody | idle_policy must be interactive, proportional or separate",
        "?modle=tiny | unknown query parameter 'modle'",
        "?model=tiny&model=tiny | given more than once",
        "?from=2026-03-02&to=2026-03-01 | must be before to",
    })
    void cost_badParameter_is400WithJsonError(String query, String message) throws Exception {
        HttpResponse<String> res = get("/v1/cost" + query);
        assertEquals(400, res.statusCode(), res.body());
        String error = JSON.readTree(res.body()).path("error").asText();
        assertTrue(error.contains(message), error);
        assertEquals(200, get("/v1/cost").statusCode(), "the server keeps serving");
    }

    @Test
    void cost_unknownModel_is404WithJsonError() throws Exception {
        HttpResponse<String> res = get("/v1/cost?model=nope");
        assertEquals(404, res.statusCode());
        assertTrue(JSON.readTree(res.body()).path("error").asText().contains("nope"));
    }

    @Test
    void metrics_afterTraffic_exposeLedgerCounters() throws Exception {
        String text = get("/metrics").body();
        String labels = "{model=\"tiny\",class=\"interactive\",pool=\"cpu-on-demand\"}";
        assertTrue(text.contains("batchwise_cost_rows_total" + labels + " " + (double) INTERACTIVE_ROWS), text);
        assertTrue(text.contains("# TYPE batchwise_cost_dollars_total counter"));
        assertTrue(text.contains("batchwise_busy_seconds_total{model=\"tiny\",class=\"bulk\",pool=\"cpu-on-demand\"}"));
        assertTrue(text.contains("batchwise_provisioned_seconds_total{model=\"tiny\",pool=\"cpu-on-demand\"}"));
        assertTrue(text.contains("batchwise_cost_dollars_total{model=\"tiny\",class=\"idle\",pool=\"cpu-on-demand\"}"));
    }

    @Test
    void costOfJob_afterBulkRows_hasMeasuredCostAndRealTimeEstimate() {
        JobCost job = server.ledger().costOfJob("job-1").orElseThrow();
        assertEquals(BULK_ROWS, job.rows());
        assertTrue(job.cost() > 0);
        assertNotNull(job.realTimeCost());
        assertTrue(job.realTimeCost() > 0);
        ObjectNode json = CostJson.job(job, "USD");
        assertEquals(BULK_ROWS, json.path("rows").asLong());
        assertFalse(json.path("real_time_basis").isNull());
    }

    static String cli(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            List<String> all = new ArrayList<>(List.of("cost", "report", "--url", url));
            all.addAll(List.of(args));
            assertEquals(0, Main.run(all.toArray(String[]::new)));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void costReport_json_printsTheApiReport() throws Exception {
        JsonNode r = JSON.readTree(cli("--format", "json"));
        assertEquals("cost_report", r.path("object").asText());
        assertEquals(BULK_ROWS, line(tiny(r), "bulk").path("rows").asLong());
    }

    @Test
    void costReport_table_showsModelAndClassLines() {
        String table = cli("--format", "table", "--model", "tiny");
        assertTrue(table.contains("MODEL / CLASS"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("tiny ") && l.contains("cpu-on-demand")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("  interactive") && l.contains(" " + INTERACTIVE_ROWS + " ")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("  tag team-a")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("  job job-1")), table);
    }

    @Test
    void costReport_csv_usesFocusColumnsAndSumsToTheModelCost() throws Exception {
        String csv = cli("--format", "csv", "--idle-policy", "separate");
        List<String> lines = csv.lines().toList();
        List<String> header = List.of(lines.get(0).split(","));
        assertTrue(header.containsAll(List.of("ChargePeriodStart", "ChargePeriodEnd", "ConsumedQuantity", "ConsumedUnit",
                "EffectiveCost", "PricingCategory", "ResourceId", "Tags")), header.toString());
        Map<String, List<String>> byClass = new java.util.HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = Csv.parse(line);
            assertEquals(header.size(), cells.size(), line);
            byClass.put(cells.get(header.indexOf("x_ServiceClass")), cells);
            assertEquals("Standard", cells.get(header.indexOf("PricingCategory")));
            assertEquals("models/tiny", cells.get(header.indexOf("ResourceId")));
            JsonNode tags = JSON.readTree(cells.get(header.indexOf("Tags")));
            assertEquals("tiny", tags.path("batchwise/model").asText());
        }
        assertEquals(String.valueOf(INTERACTIVE_ROWS), byClass.get("interactive").get(header.indexOf("ConsumedQuantity")));
        assertEquals("Predictions", byClass.get("interactive").get(header.indexOf("ConsumedUnit")));
        assertEquals("Seconds", byClass.get("idle").get(header.indexOf("ConsumedUnit")), "separate idle is its own line");
        assertEquals(java.util.Set.of("interactive", "deferred", "bulk", "idle"), byClass.keySet());
        double sum = byClass.values().stream().mapToDouble(c -> Double.parseDouble(c.get(header.indexOf("EffectiveCost")))).sum();
        assertTrue(sum > 0);
    }

    /** A tiny RFC 4180 line splitter for the test. */
    static final class Csv {
        static List<String> parse(String line) {
            List<String> out = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    out.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            out.add(cell.toString());
            return out;
        }
    }
}
