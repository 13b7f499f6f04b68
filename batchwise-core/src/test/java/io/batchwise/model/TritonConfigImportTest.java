package io.batchwise.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.onnx.DemoModels;
import io.batchwise.onnx.OnnxWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TritonConfigImportTest {
    /** A Triton-style config using every field the import maps, plus fields it does not support. */
    static final String TRITON_EXAMPLE = """
            name: "tiny_triton"
            platform: "onnxruntime_onnx"
            max_batch_size: 32
            input [
              {
                name: "input"
                data_type: TYPE_FP32
                dims: [ 16 ]
              }
            ]
            output [ { name: "output", data_type: TYPE_FP32, dims: [ 4 ] } ]
            instance_group [
              { name: "cpu_group" count: 2 kind: KIND_CPU }
            ]
            dynamic_batching {
              preferred_batch_size: [ 4, 8 ]
              max_queue_delay_microseconds: 500
              default_queue_policy {
                timeout_action: DELAY
                default_timeout_microseconds: 250000
                allow_timeout_override: true
                max_queue_size: 100
              }
              priority_levels: 2
            }
            parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
            model_warmup [ { name: "zeros" batch_size: 1 } ]
            """;

    @Test
    void parse_tritonExample_mapsEveryMappedField() {
        ModelConfig c = TritonConfigImport.parse(TRITON_EXAMPLE, "tiny_triton").config();
        assertEquals("tiny_triton", c.name());
        assertEquals(32, c.maxBatchSize());
        assertEquals(2, c.instances());
        assertEquals(Device.CPU, c.device());
        assertEquals(1, c.intraOpThreads());
        assertEquals(BatchingConfig.Policy.WINDOW, c.batching().policy());
        assertEquals(Duration.ofNanos(500_000), c.batching().maxQueueDelay());
        assertEquals(List.of(4, 8), c.batching().preferredBatchSizes());
        assertEquals(QueueConfig.TimeoutAction.DELAY, c.queue().timeoutAction());
        assertEquals(Duration.ofMillis(250), c.latencyTarget());
        assertEquals(100, c.queue().maxRows());
        assertNull(c.tokenizer());
    }

    @Test
    void parse_tritonExample_listsEveryUnsupportedField() {
        List<String> unsupported = TritonConfigImport.parse(TRITON_EXAMPLE, "tiny_triton").unsupported();
        assertEquals(List.of("input (batchwise reads inputs and outputs from model.onnx)",
                "output (batchwise reads inputs and outputs from model.onnx)", "model_warmup",
                "dynamic_batching.priority_levels"), unsupported);
    }

    @Test
    void parse_noDynamicBatching_runsEachRequestAloneAndNeverDropsForLateness() {
        ModelConfig c = TritonConfigImport.parse("max_batch_size: 8", "m").config();
        assertEquals(BatchingConfig.Policy.NONE, c.batching().policy());
        assertEquals(8, c.maxBatchSize());
        assertEquals(1, c.instances());
        assertEquals(QueueConfig.TimeoutAction.DELAY, c.queue().timeoutAction());
        assertEquals("m", c.name());
    }

    @Test
    void parse_defaultTimeoutWithoutAction_rejectsLateRequestsAsTritonDoes() {
        ModelConfig c = TritonConfigImport.parse("""
                max_batch_size: 8
                dynamic_batching { default_queue_policy { default_timeout_microseconds: 20000 } }
                """, "m").config();
        assertEquals(QueueConfig.TimeoutAction.REJECT, c.queue().timeoutAction());
        assertEquals(Duration.ofMillis(20), c.latencyTarget());
        assertEquals(Duration.ZERO, c.batching().maxQueueDelay());
    }

    @Test
    void parse_maxBatchSizeZero_servesWithoutBatching() {
        ModelConfig c = TritonConfigImport.parse("max_batch_size: 0", "m").config();
        assertEquals(BatchingConfig.Policy.NONE, c.batching().policy());
        assertEquals(ModelConfig.defaults("m").maxBatchSize(), c.maxBatchSize());
    }

    @Test
    void parse_gpuGroup_mapsToCudaDeviceOfFirstGpu() {
        TritonConfigImport.Result r = TritonConfigImport.parse("""
                max_batch_size: 4
                instance_group [ { count: 2, kind: KIND_GPU, gpus: [ 1 ] } ]
                """, "m");
        assertEquals(new Device(Device.Kind.CUDA, 1), r.config().device());
        assertEquals(2, r.config().instances());
        assertTrue(r.unsupported().isEmpty(), r.unsupported().toString());
    }

    @Test
    void parse_groupOverSeveralGpus_countsInstancesPerGpuAndListsThePlacement() {
        TritonConfigImport.Result r = TritonConfigImport.parse("""
                max_batch_size: 4
                instance_group [ { count: 2, kind: KIND_GPU, gpus: [ 0, 1 ] }, { count: 1 kind: KIND_CPU } ]
                """, "m");
        assertEquals(5, r.config().instances());
        assertEquals(new Device(Device.Kind.CUDA, 0), r.config().device());
        assertEquals(2, r.unsupported().size(), r.unsupported().toString());
        assertTrue(r.unsupported().get(0).startsWith("instance_group.gpus [0, 1]"), r.unsupported().toString());
        assertTrue(r.unsupported().get(1).startsWith("instance_group on cpu"), r.unsupported().toString());
    }

    @Test
    void parse_otherPlatform_isListed() {
        List<String> unsupported = TritonConfigImport.parse("platform: \"tensorrt_plan\" max_batch_size: 1", "m")
                .unsupported();
        assertEquals(List.of("platform: tensorrt_plan (batchwise serves model.onnx with ONNX Runtime)"), unsupported);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "max_batch_size: 0 dynamic_batching { }|dynamic_batching: needs max_batch_size > 0",
            "max_batch_size: -1|max_batch_size: must be 0..",
            "max_batch_size: \"8\"|max_batch_size: must be an integer",
            "max_batch_size: 4 dynamic_batching { preferred_batch_size: 8 }|must not exceed max_batch_size 4",
            "max_batch_size: 4 dynamic_batching { default_queue_policy { timeout_action: DROP } }|timeout_action: must be REJECT or DELAY (got DROP)",
            "max_batch_size: 4 max_batch_size: 8|max_batch_size: given 2 times",
            "instance_group [ { kind: KIND_TPU } ]|instance_group.kind: must be",
            "instance_group [ { count: 0 } ]|instance_group.count: must be 1..256",
            "name: model|name: must be a quoted string",
            "max_batch_size: 4 dynamic_batching: 3|dynamic_batching: must be a message",
    })
    void parse_badValue_namesTheField(String text, String message) {
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> TritonConfigImport.parse(text, "m"));
        assertTrue(e.getMessage().startsWith("config.pbtxt"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void scan_folderWithConfigPbtxt_servesItsConfigAndWarnsAboutUnsupportedFields(@TempDir Path repo) throws IOException {
        Path dir = repo.resolve("tiny_triton");
        OnnxWriter.write(DemoModels.tiny(), dir.resolve("1").resolve("model.onnx"));
        Files.writeString(dir.resolve("config.pbtxt"), TRITON_EXAMPLE);
        List<LogRecord> records = new ArrayList<>();
        Logger log = Logger.getLogger(ModelRepository.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            ModelSource source = new ModelRepository(repo).read("tiny_triton");
            assertTrue(source.loadable(), source.configError());
            assertEquals(BatchingConfig.Policy.WINDOW, source.config().batching().policy());
            assertEquals(2, source.config().instances());
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(1, records.size());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        String warning = records.get(0).getMessage();
        assertTrue(warning.contains("model_warmup") && warning.contains("dynamic_batching.priority_levels")
                && warning.contains("input"), warning);
    }

    @Test
    void scan_folderWithBothConfigs_prefersConfigYaml(@TempDir Path repo) throws IOException {
        Path dir = repo.resolve("m");
        OnnxWriter.write(DemoModels.tiny(), dir.resolve("1").resolve("model.onnx"));
        Files.writeString(dir.resolve("config.yaml"), "max_batch_size: 16\n");
        Files.writeString(dir.resolve("config.pbtxt"), "max_batch_size: 2\n");
        ModelSource source = new ModelRepository(repo).read("m");
        assertEquals(16, source.config().maxBatchSize());
        assertEquals(BatchingConfig.Policy.SLO, source.config().batching().policy());
    }

    @Test
    void scan_brokenConfigPbtxt_marksOnlyThatModelUnloadable(@TempDir Path repo) throws IOException {
        Path dir = repo.resolve("m");
        OnnxWriter.write(DemoModels.tiny(), dir.resolve("1").resolve("model.onnx"));
        Files.writeString(dir.resolve("config.pbtxt"), "max_batch_size: 4\ninstance_group [ { count: } ]\n");
        ModelSource source = new ModelRepository(repo).read("m");
        assertTrue(!source.loadable() && source.configError().startsWith("config.pbtxt:2:"), source.configError());
    }
}
