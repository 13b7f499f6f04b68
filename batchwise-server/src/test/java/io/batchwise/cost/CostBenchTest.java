package io.batchwise.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelConfigParser;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CostBenchTest {
    @Test
    void batchConfig_demoConfig_renamesAndLengthensTheBudgetOnly() {
        String yaml = """
                name: scorer
                max_batch_size: 128          # rows per run
                latency_target: 50ms         # default budget
                pool: cpu-spot
                """;
        ModelConfig c = ModelConfigParser.parse(CostBench.batchConfig(yaml, "scorer-batch"), "scorer-batch");
        assertEquals("scorer-batch", c.name());
        assertEquals(Duration.ofSeconds(10), c.latencyTarget());
        assertEquals(128, c.maxBatchSize());
        assertEquals("cpu-spot", c.pool());
    }

    @Test
    void batchConfig_withoutThoseKeys_appendsThem() {
        ModelConfig c = ModelConfigParser.parse(CostBench.batchConfig("instances: 1", "m-batch"), "x");
        assertEquals("m-batch", c.name());
        assertEquals(Duration.ofSeconds(10), c.latencyTarget());
    }
}
