package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With an API key set, the repository endpoints need it; inference does not. */
class RepositoryApiKeyIT {
    private static final String KEY = "s3cret-key";
    private static final List<String> GUARDED = List.of("/v2/repository/index",
            "/v2/repository/models/tiny/unload", "/v2/repository/models/tiny/load");

    @TempDir
    static Path dir;
    static BatchwiseServer server;
    static TestServer http;

    @BeforeAll
    static void start() {
        Path models = dir.resolve("models");
        TestServer.tinyModel(models, "tiny", TestServer.FAST);
        server = BatchwiseServer.start(ServerSettings.forTests(models, dir.resolve("data")).withApiKey(KEY));
        http = new TestServer(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void repositoryEndpoints_withoutKey_are401() {
        for (String path : GUARDED) {
            TestServer.Reply reply = http.post(path, "");
            assertEquals(401, reply.status(), path + " -> " + reply);
            assertTrue(reply.json().get("error").asText().contains("Authorization: Bearer"), reply.toString());
            assertTrue(reply.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }
        assertEquals(200, http.get("/v2/models/tiny/ready").status(), "nothing was unloaded");
    }

    @Test
    void repositoryEndpoints_withWrongKey_are401() {
        for (String auth : List.of("Bearer wrong", "Bearer " + KEY + "x", KEY, "Basic " + KEY)) {
            TestServer.Reply reply = http.post("/v2/repository/models/tiny/unload", "", "Authorization", auth);
            assertEquals(401, reply.status(), auth + " -> " + reply);
        }
        assertEquals(200, http.get("/v2/models/tiny/ready").status(), "nothing was unloaded");
    }

    @Test
    void repositoryEndpoints_withKey_work_andInferenceNeedsNoKey() {
        for (String path : GUARDED) {
            TestServer.Reply reply = http.post(path, "", "Authorization", "Bearer " + KEY);
            assertEquals(200, reply.status(), path + " -> " + reply);
        }
        TestServer.Reply infer = http.post("/v2/models/tiny/infer", TestServer.inferBody(1));
        assertEquals(200, infer.status(), infer.toString());
    }
}
