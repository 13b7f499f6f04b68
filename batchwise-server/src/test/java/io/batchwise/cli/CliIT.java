package io.batchwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.onnx.DemoModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The program's commands as a user runs them: {@code models demo} writes the repository (once:
 * the scorer is 100 MB), a server serves it, and {@code infer} talks to that server over HTTP.
 */
class CliIT {
    @TempDir
    static Path dir;
    private static Path repo;
    private static BatchwiseServer server;
    private static String url;

    @BeforeAll
    static void writeAndServe() throws Exception {
        repo = dir.resolve("models");
        CapturedRun demo = CapturedRun.of("models", "demo", "--out", repo.toString());
        assertEquals(0, demo.code(), demo.err());
        // Generous budgets: the first requests of a cold JVM on a busy CI machine can outlast the
        // demo's 20-100 ms targets, and this test is about the commands, not deadlines.
        for (String m : DemoModels.NAMES) {
            Path config = repo.resolve(m).resolve("config.yaml");
            Files.writeString(config, Files.readString(config).replaceFirst("latency_target: \\S+", "latency_target: 900ms"));
        }
        server = BatchwiseServer.start(ServerSettings.forTests(repo, dir.resolve("data")));
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void modelsDemo_writesThreeModelsWithConfigs() throws Exception {
        List<ModelSource> found = new ModelRepository(repo).scan();
        assertEquals(List.of("embedder", "scorer", "tiny"), found.stream().map(ModelSource::name).toList());
        for (ModelSource m : found) {
            assertTrue(m.loadable(), m.name() + ": " + m.configError());
            assertTrue(Files.isRegularFile(repo.resolve(m.name()).resolve("config.yaml")));
            assertEquals(1, m.version());
        }
        assertTrue(Files.size(repo.resolve("scorer/1/model.onnx")) > 90_000_000);
    }

    @Test
    void infer_randomDataForEachDemoModel_returns0AndPrintsTheResponse() throws Exception {
        for (String model : DemoModels.NAMES) {
            CapturedRun c = CapturedRun.of("infer", "--url", url, "--model", model, "--rows", "2");
            assertEquals(0, c.code(), model + ": " + c.out() + c.err());
            JsonNode res = new ObjectMapper().readTree(c.out());
            assertEquals(model, res.path("model_name").asText());
            assertEquals(2, res.path("outputs").get(0).path("shape").get(0).asInt(), c.out());
        }
    }

    @Test
    void infer_inputFile_sendsItsBody() throws Exception {
        Path body = dir.resolve("request.json");
        Files.writeString(body, "{\"id\":\"from-file\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                + "\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}");
        CapturedRun c = CapturedRun.of("infer", "--url", url, "--model", "tiny", "--input", body.toString());
        assertEquals(0, c.code(), c.out() + c.err());
        assertEquals("from-file", new ObjectMapper().readTree(c.out()).path("id").asText());
    }

    @Test
    void infer_serverRejects_returnsNonZero() throws Exception {
        Path body = dir.resolve("bad.json");
        Files.writeString(body, "{\"inputs\":[]}");
        CapturedRun c = CapturedRun.of("infer", "--url", url, "--model", "tiny", "--input", body.toString());
        assertEquals(1, c.code());
        assertTrue(c.out().contains("\"error\""), c.out());
        assertTrue(c.err().contains("400"), c.err());
    }

    @Test
    void help_everyCommand_printsUsageAndReturns0() {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new Main()), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 6, paths.toString()); // batchwise, serve, models, models demo, infer, bench, bench raw
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CapturedRun c = CapturedRun.of(args.toArray(String[]::new));
            assertEquals(0, c.code(), path + ": " + c.err());
            assertTrue(c.out().startsWith("Usage: batchwise"), path + ": " + c.out());
            assertFalse(c.out().contains("${DEFAULT-VALUE}"), c.out());
        }
    }

    @Test
    void unknownCommandOrOption_returnsUsageError() {
        assertEquals(2, CapturedRun.of("frobnicate").code());
        assertEquals(2, CapturedRun.of("serve", "--no-such-option").code());
        assertEquals(2, CapturedRun.of("infer").code()); // --model is required
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
            }
        });
    }

}
