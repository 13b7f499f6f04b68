package io.batchwise.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtProvider;
import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.onnx.OnnxWriter;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    private static final OnnxRuntime RUNTIME = OnnxRuntime.create();

    @TempDir
    Path repo;

    @Test
    void loadAll_brokenModels_failWithReasonWhileOthersServe() throws IOException {
        DemoModels.writeTiny(repo);
        Files.createDirectories(repo.resolve("garbage/1"));
        Files.writeString(repo.resolve("garbage/1/model.onnx"), "this is not an ONNX model");
        copyTiny("badconfig", "instances: 0\n");
        Files.createDirectories(repo.resolve("noversion"));

        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME)) {
            registry.loadAll();

            assertEquals(4, registry.all().size());
            LoadedModel tiny = registry.ready("tiny", null);
            assertEquals(ModelState.READY, tiny.state());
            assertEquals(1, tiny.instances().size());
            assertNull(tiny.reason());
            Tensor out = tiny.instances().get(0)
                    .runBatch(List.of(List.of(Tensor.ofFloats("input", new long[] {1, 16}, new float[16]))), Set.of())
                    .get(0).get(0);
            assertEquals(4, out.elementCount());

            assertFailed(registry, "garbage", "garbage");
            assertFailed(registry, "badconfig", "instances");
            assertFailed(registry, "noversion", "no version");
            ModelNotReady e = assertThrows(ModelNotReady.class, () -> registry.ready("garbage", null));
            assertTrue(e.getMessage().contains("failed"), e.getMessage());
        }
    }

    @Test
    void loadAll_instancesInConfig_opensThatManySessions() throws IOException {
        copyTiny("tiny3", "instances: 3\nintra_op_threads: 1\n");
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME)) {
            registry.loadAll();
            List<ModelInstance> instances = registry.ready("tiny3", null).instances();
            assertEquals(3, instances.size());
            assertEquals(List.of(0, 1, 2), instances.stream().map(ModelInstance::ordinal).toList());
        }
    }

    @Test
    void load_withALayout_opensThoseSessionsAndReportsThem() throws IOException {
        DemoModels.writeTiny(repo);
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME, c -> c.forThroughput(3))) {
            LoadedModel tiny = registry.load("tiny");

            assertEquals(3, tiny.instances().size());
            assertEquals(3, tiny.config().instances());
            assertEquals(1, tiny.config().intraOpThreads());
            assertEquals("tiny", tiny.config().name());
        }
    }

    @Test
    void load_withALayoutOutOfRange_failsWithTheReason() throws IOException {
        DemoModels.writeTiny(repo);
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME, c -> c.withLayout(300, 1))) {
            LoadedModel tiny = registry.load("tiny");

            assertEquals(ModelState.FAILED, tiny.state());
            assertTrue(tiny.reason().contains("instances"), tiny.reason());
        }
    }

    @Test
    void get_unknownModelOrVersion_throwsModelNotFound() throws IOException {
        DemoModels.writeTiny(repo);
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME)) {
            registry.loadAll();
            assertEquals("1", registry.get("tiny", "1").version());
            assertEquals("1", registry.get("tiny", null).version());
            assertThrows(ModelNotFound.class, () -> registry.get("nope"));
            ModelNotFound e = assertThrows(ModelNotFound.class, () -> registry.get("tiny", "2"));
            assertTrue(e.getMessage().contains("'2'"), e.getMessage());
            assertThrows(ModelNotFound.class, () -> registry.load("nope"));
        }
    }

    @Test
    void unload_tellsListenersBeforeClosingThenForgetsTheModel() throws IOException {
        DemoModels.writeTiny(repo);
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME)) {
            registry.loadAll();
            List<String> seen = new ArrayList<>();
            registry.onUnload(m -> seen.add(m.name() + ":" + m.state()));
            LoadedModel tiny = registry.get("tiny");

            registry.unload("tiny");

            assertEquals(List.of("tiny:UNLOADING"), seen);
            assertEquals(ModelState.UNAVAILABLE, tiny.state());
            assertThrows(ModelNotFound.class, () -> registry.get("tiny"));
            assertThrows(ModelNotFound.class, () -> registry.unload("tiny"));
            assertTrue(registry.load("tiny").ready());
        }
    }

    @Test
    void load_cudaDeviceWithoutCudaBuild_failsWithClearReason() throws IOException {
        assumeFalse(RUNTIME.providers().contains(OrtProvider.CUDA), "this ONNX Runtime build has CUDA");
        copyTiny("gpu", "device: cuda:0\n");
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME)) {
            LoadedModel gpu = registry.load("gpu");
            assertEquals(ModelState.FAILED, gpu.state());
            assertTrue(gpu.reason().contains("cuda:0") && gpu.reason().contains("CUDA"), gpu.reason());
            assertTrue(gpu.reason().contains("-Pcuda"), gpu.reason());
        }
    }

    private static void assertFailed(ModelRegistry registry, String name, String reasonMentions) {
        LoadedModel m = registry.get(name);
        assertEquals(ModelState.FAILED, m.state(), name);
        assertNotNull(m.reason(), name);
        assertTrue(m.reason().contains(reasonMentions), () -> name + ": " + m.reason());
        assertTrue(m.instances().isEmpty());
    }

    /** The tiny model's graph under another name, with the given config. */
    @Test
    void lane_opensSingleThreadedSessionsOnFirstUseAndUnloadClosesThem() throws IOException {
        copyTiny("laned", "bulk_instances: 2\nintra_op_threads: 2\n");
        ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), RUNTIME);
        registry.loadAll();
        LoadedModel m = registry.ready("laned", null);

        assertEquals(2, m.laneCount());
        assertTrue(m.backgroundInstances().isEmpty(), "no lane session before a bulk row");
        ModelInstance lane = m.lane(1);
        assertEquals(2, m.backgroundInstances().size(), "lane 1 opens lane 0 first");
        assertEquals(2, lane.ordinal(), "numbered after the one live instance");
        assertTrue(m.lane(1) == lane, "opened once");
        Tensor out = lane.runBatch(List.of(List.of(Tensor.ofFloats("input", new long[] {3, 16}, new float[48]))),
                Set.of()).get(0).get(0);
        assertEquals(12, out.elementCount());

        registry.unload("laned");

        assertTrue(m.backgroundInstances().isEmpty());
        assertThrows(ModelNotReady.class, () -> m.lane(0));
        registry.close();
    }

    private void copyTiny(String name, String config) throws IOException {
        OnnxWriter.write(DemoModels.tiny(), repo.resolve(name).resolve("1/model.onnx"));
        Files.writeString(repo.resolve(name).resolve("config.yaml"), config);
    }
}
