package io.batchwise.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.tensor.InvalidInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilerTest {
    @Test
    void profile_tinyModel_measuresEverySizeForEveryInstanceCount(@TempDir Path dir) throws Exception {
        DemoModels.writeTiny(dir);
        ModelSource tiny = new ModelRepository(dir).read("tiny");
        List<String> progress = new ArrayList<>();
        Profile p = new Profiler(OnnxRuntime.create(), progress::add).profile(tiny,
                new Profiler.Options(List.of(1, 2), 1, 5, Duration.ofMillis(10), Duration.ofMillis(200)));
        assertEquals("tiny", p.model());
        assertEquals(64, p.maxBatchSize());
        assertEquals(List.of(1, 2), p.instanceCounts());
        assertEquals(14, p.points().size());
        assertEquals(14, progress.size());
        for (Profile.Point pt : p.points()) {
            Profile.Latency l = pt.latency();
            assertTrue(pt.runs() >= 5 * pt.instances(), pt.toString());
            assertTrue(l.min() > 0 && l.min() <= l.p50() && l.p50() <= l.p90() && l.p90() <= l.p99()
                    && l.p99() <= l.max(), pt.toString());
            assertTrue(pt.rowsPerSecond() > 0, pt.toString());
        }
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64), p.pointsFor(1).stream().map(Profile.Point::batchSize).toList());
        assertEquals(2, p.pointsFor(5).get(0).instances());
    }

    @Test
    void profile_unloadableModel_saysWhy(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("broken/1"));
        Files.writeString(dir.resolve("broken/1/model.onnx"), "not onnx");
        Files.writeString(dir.resolve("broken/config.yaml"), "max_batch_size: 0\n");
        ModelSource broken = new ModelRepository(dir).read("broken");
        InvalidInput e = assertThrows(InvalidInput.class, () -> new Profiler(OnnxRuntime.create(), s -> { })
                .profile(broken, Profiler.Options.defaults(List.of(1))));
        assertTrue(e.getMessage().contains("max_batch_size"), e.getMessage());
    }
}
