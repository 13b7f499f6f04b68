package io.batchwise.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request whose data ONNX Runtime rejects fails alone, not the requests it was batched with. */
class BadRowIsolationTest {
    @TempDir
    Path dir;

    private static InferenceRequest tokens(String id, long token) {
        long[] ids = new long[64];
        java.util.Arrays.fill(ids, token);
        return new InferenceRequest(id, List.of(Tensor.ofLongs("input_ids", new long[] {1, 64}, ids)), List.of(),
                Map.of());
    }

    @Test
    void run_batchWithOneOutOfRangeToken_failsOnlyThatRequest() throws Exception {
        DemoModels.writeEmbedder(dir);
        // A long window so that both requests certainly share one run.
        Files.writeString(dir.resolve("embedder/config.yaml"), "name: embedder\nmax_batch_size: 8\n"
                + "latency_target: 5s\nbatching:\n  policy: window\n  max_queue_delay: 300ms\n");
        try (ModelRegistry registry = new ModelRegistry(new ModelRepository(dir), OnnxRuntime.create())) {
            registry.loadAll();
            RecordingListener runs = new RecordingListener();
            try (Scheduler scheduler = new Scheduler(registry, Ticker.systemTicker(), runs, false)) {
                CompletableFuture<InferenceResponse> good = scheduler.infer("embedder", null, tokens("good", 5));
                CompletableFuture<InferenceResponse> bad = scheduler.infer("embedder", null, tokens("bad", 99_999));
                assertEquals(384, good.get(30, TimeUnit.SECONDS).outputs().get(0).shape()[1]);
                ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(30, TimeUnit.SECONDS));
                assertInstanceOf(InvalidInput.class, e.getCause());
                assertEquals(2, runs.maxRowsInOneRun());
            }
        }
    }

    private static final class RecordingListener implements SchedulerListener {
        private int max;

        @Override
        public synchronized void onRun(RunRecord run) {
            max = Math.max(max, run.rows());
        }

        synchronized int maxRowsInOneRun() {
            return max;
        }
    }
}
