package io.batchwise.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelConfigParser;
import io.batchwise.model.BatchingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoRepositoryTest {
    private static final String SCORER = """
            # the scorer
            name: scorer
            max_batch_size: 128          # rows per run
            latency_target: 50ms         # default budget
            pool: cpu-on-demand
            batching:
              policy: slo                # none | window | slo
              max_queue_delay: 5ms
            """;

    @TempDir
    Path data;

    private Path scorerFile() throws Exception {
        Path scorer = data.resolve("models/scorer");
        Files.createDirectories(scorer.resolve("1"));
        Files.writeString(scorer.resolve("config.yaml"), SCORER);
        return Files.write(scorer.resolve("1/model.onnx"), new byte[] {1, 2, 3}); // stands in: only linked here
    }

    @Test
    void prepare_existingScorer_writesOneDeploymentPerModeLinkedToTheSameFile() throws Exception {
        Path onnx = scorerFile();
        Path repo = DemoRepository.prepare(data);
        assertEquals(data.resolve("demo/models"), repo);
        for (String name : new String[] {"scorer-realtime", "scorer", "scorer-batch"}) {
            assertTrue(Files.isSameFile(onnx, repo.resolve(name).resolve("1/model.onnx")), name);
            ModelConfig c = ModelConfigParser.read(repo.resolve(name).resolve("config.yaml"), name);
            assertEquals(name, c.name());
            assertEquals(128, c.maxBatchSize(), "the rest of the scorer's config is kept");
        }
        assertEquals(BatchingConfig.Policy.NONE, config(repo, "scorer-realtime").batching().policy());
        assertEquals(BatchingConfig.Policy.SLO, config(repo, "scorer").batching().policy());
        assertEquals(Duration.ofMillis(50), config(repo, "scorer").latencyTarget());
        assertEquals(Duration.ofSeconds(10), config(repo, "scorer-batch").latencyTarget());
        assertTrue(Files.readString(repo.resolve("scorer-realtime/config.yaml")).contains("policy: none                # none"),
                "comments survive");
    }

    @Test
    void prepare_runTwice_keepsTheLinksAndConfigs() throws Exception {
        Path onnx = scorerFile();
        DemoRepository.prepare(data);
        Path repo = DemoRepository.prepare(data);
        assertTrue(Files.isSameFile(onnx, repo.resolve("scorer-batch/1/model.onnx")));
        assertEquals(BatchingConfig.Policy.NONE, config(repo, "scorer-realtime").batching().policy());
        try (var files = Files.list(repo.resolve("scorer/1"))) {
            assertEquals(1, files.count(), "no temporary link left behind");
        }
    }

    @Test
    void policy_configWithoutBatchingBlock_addsIt() {
        String out = DemoRepository.policy("name: x\nmax_batch_size: 4\n", "none");
        assertEquals("name: x\nmax_batch_size: 4\nbatching:\n  policy: none\n", out);
    }

    @Test
    void policy_batchingBlockWithoutPolicy_addsItToTheBlock() {
        String out = DemoRepository.policy("name: x\nbatching:\n  max_queue_delay: 5ms\n", "none");
        assertEquals("name: x\nbatching:\n  policy: none\n  max_queue_delay: 5ms\n", out);
    }

    @Test
    void set_absentKey_appendsIt() {
        assertEquals("name: x\nlatency_target: 10s\n", DemoRepository.set("name: x", "latency_target", "10s"));
    }

    private static ModelConfig config(Path repo, String name) {
        return ModelConfigParser.read(repo.resolve(name).resolve("config.yaml"), name);
    }
}
