package io.batchwise.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals(SCORER.withLayout(4, 1), c);
        assertEquals(128, c.maxBatchSize());
        assertEquals(SCORER.latencyTarget(), c.latencyTarget());
        assertEquals(SCORER.batching(), c.batching());
    }

    @Test
    void forThroughput_onCuda_keepsTheConfiguredLayout() {
        ModelConfig cuda = ModelConfigParser.parse("device: cuda:0\ninstances: 2\n", "gpu");

        assertSame(cuda, cuda.forThroughput(16));
    }

    @Test
    void withLayout_outOfRange_isRefusedAsInvalidConfig() {
        assertThrows(InvalidConfig.class, () -> SCORER.withLayout(0, 1));
        assertThrows(InvalidConfig.class, () -> SCORER.withLayout(1, 0));
    }
}
