package io.batchwise.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.model.InvalidConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's history survives a server restart; --pricing files price models and are validated. */
class CostRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
            + "\"data\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}],\"parameters\":{\"priority\":\"interactive\"}}";

    @TempDir
    Path dir;

    private static JsonNode tinyCost(BatchwiseServer server) throws Exception {
        HttpResponse<String> res = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/cost?model=tiny")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return JSON.readTree(res.body()).path("models").get(0);
    }

    private static void infer(BatchwiseServer server) throws Exception {
        HttpResponse<String> res = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v2/models/tiny/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
    }

    @Test
    void restart_withSameDataDir_keepsCostHistory() throws Exception {
        CostIT.writeTiny(dir.resolve("models"));
        ServerSettings settings = ServerSettings.forTests(dir.resolve("models"), dir.resolve("data"));
        double provisioned;
        try (BatchwiseServer first = BatchwiseServer.start(settings)) {
            for (int i = 0; i < 3; i++) {
                infer(first);
            }
            provisioned = tinyCost(first).path("provisioned_seconds").asDouble();
        }
        assertTrue(Files.exists(dir.resolve("data").resolve("ledger.db")));
        try (BatchwiseServer second = BatchwiseServer.start(settings)) {
            JsonNode m = tinyCost(second);
            assertEquals(3, CostIT.line(m, "interactive").path("rows").asLong(), m.toString());
            assertTrue(m.path("provisioned_seconds").asDouble() >= provisioned, m.toString());
            infer(second);
            assertEquals(4, CostIT.line(tinyCost(second), "interactive").path("rows").asLong());
        }
    }

    @Test
    void start_withPricingFile_chargesTheModelsPool() throws Exception {
        CostIT.writeTiny(dir.resolve("models"));
        Path config = dir.resolve("models/tiny/config.yaml");
        Files.writeString(config, Files.readString(config).replace("pool: cpu-on-demand", "pool: batch-spot"));
        Path pricing = dir.resolve("pricing.yaml");
        Files.writeString(pricing, """
                idle_policy: separate
                pools:
                  batch-spot: {price_per_hour: 0.36, category: spot, slots: 4}
                """);
        ServerSettings base = ServerSettings.forTests(dir.resolve("models"), dir.resolve("data"));
        ServerSettings settings = new ServerSettings(base.http(), base.models(), base.data(), pricing);
        try (BatchwiseServer server = BatchwiseServer.start(settings)) {
            infer(server);
            JsonNode m = tinyCost(server);
            assertEquals("batch-spot", m.path("pool").asText());
            assertEquals("spot", m.path("pricing_category").asText());
            assertEquals(0.09, m.path("instances").get(0).path("rate_per_hour").asDouble(), 1e-12);
            assertEquals(m.path("idle_cost").asDouble(), m.path("unattributed_cost").asDouble(), 1e-12);
        }
    }

    @Test
    void start_modelPoolNotOnPriceSheet_failsNamingModelAndPool() throws Exception {
        CostIT.writeTiny(dir.resolve("models"));
        Path pricing = dir.resolve("pricing.yaml");
        Files.writeString(pricing, "pools:\n  other: {price_per_hour: 1, category: on-demand, slots: 1}\n");
        ServerSettings base = ServerSettings.forTests(dir.resolve("models"), dir.resolve("data"));
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> BatchwiseServer.start(
                new ServerSettings(base.http(), base.models(), base.data(), pricing)).close());
        assertTrue(e.getMessage().contains("'tiny'") && e.getMessage().contains("cpu-on-demand"), e.getMessage());
    }

    @Test
    void start_invalidPricingFile_failsNamingTheField() throws Exception {
        CostIT.writeTiny(dir.resolve("models"));
        Path pricing = dir.resolve("pricing.yaml");
        Files.writeString(pricing, "pools:\n  cpu-on-demand: {price_per_hour: -2, category: on-demand, slots: 2}\n");
        ServerSettings base = ServerSettings.forTests(dir.resolve("models"), dir.resolve("data"));
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> BatchwiseServer.start(
                new ServerSettings(base.http(), base.models(), base.data(), pricing)).close());
        assertTrue(e.getMessage().contains("pools.cpu-on-demand.price_per_hour"), e.getMessage());
    }
}
