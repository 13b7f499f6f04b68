package io.batchwise.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
    private static final ModelConfig SCORER = ModelConfigParser.parse("""
            max_batch_size: 128
            instances: 1
            intra_op_threads: 2
            latency_target: 50ms
            """, "scorer");

    @Test
    void forThroughput_onCpu_isOneSingleThreadedSessionPerCore() {
        ModelConfig c = SCORER.forThroughput(4);

        assertEquals(4, c.instances());
        assertEquals(1, c.intraOpThreads());
        assertEquals(SCORER.withLayout(4, 1).withoutBulkLane(), c);
        assertEquals(0, c.bulkLane(4), "nothing live to yield to offline");
        assertEquals(128, c.maxBatchSize());
        assertEquals(SCORER.latencyTarget(), c.latencyTarget());
        assertEquals(SCORER.batching(), c.batching());
    }

    @Test
    void forThroughput_onCuda_keepsTheConfiguredLayout() {
        ModelConfig cuda = ModelConfigParser.parse("device: cuda:0\ninstances: 2\n", "gpu");

        assertEquals(cuda.withoutBulkLane(), cuda.forThroughput(16));
    }

    @Test
    void bulkLane_auto_isOneSessionPerCoreOnCpuAndNoneOnCuda() {
        ModelConfig cuda = ModelConfigParser.parse("device: cuda:0\n", "gpu");

        assertEquals(ModelConfig.AUTO, SCORER.bulkInstances());
        assertEquals(4, SCORER.bulkLane(4));
        assertEquals(0, cuda.bulkLane(4));
    }

    @Test
    void bulkLane_given_isTakenAsIs() {
        assertEquals(3, ModelConfigParser.parse("bulk_instances: 3\n", "m").bulkLane(16));
        assertEquals(0, ModelConfigParser.parse("bulk_instances: 0\n", "m").bulkLane(16));
        assertEquals(ModelConfig.AUTO, ModelConfigParser.parse("bulk_instances: auto\n", "m").bulkInstances());
        assertEquals(2, SCORER.withLayout(1, 2).bulkLane(2), "a new layout keeps the lane setting");
    }

    @Test
    void bulkLane_invalid_namesTheFieldAndValue() {
        for (String bad : List.of("-1", "257", "some", "1.5")) {
            InvalidConfig e = assertThrows(InvalidConfig.class,
                    () -> ModelConfigParser.parse("bulk_instances: " + bad + "\n", "m"), bad);
            assertTrue(e.getMessage().contains("bulk_instances"), e.getMessage());
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void withLayout_outOfRange_isRefusedAsInvalidConfig() {
        assertThrows(InvalidConfig.class, () -> SCORER.withLayout(0, 1));
        assertThrows(InvalidConfig.class, () -> SCORER.withLayout(1, 0));
    }
}
