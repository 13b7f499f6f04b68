package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.ModelNotFound;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.schedule.Submission;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullBatchRunnerTest {
    @TempDir
    Path dir;
    private ModelRegistry registry;
    private FullBatchRunner runner;

    @BeforeEach
    void open() throws Exception {
        DemoModels.writeTiny(dir);
        registry = new ModelRegistry(new ModelRepository(dir), OnnxRuntime.create());
        registry.loadAll();
        runner = new FullBatchRunner(registry);
    }

    @AfterEach
    void close() {
        runner.close();
        registry.close();
    }

    private static InferenceRequest row(int i, int width) {
        float[] x = new float[width];
        for (int j = 0; j < width; j++) {
            x[j] = (i * 13 + j) % 7 / 7f;
        }
        return new InferenceRequest(null, List.of(Tensor.ofFloats("input", new long[] {1, width}, x)), List.of(),
                Map.of());
    }

    @Test
    void submit_manyRows_runInFullBatchesWithTheDirectResults() {
        List<CompletableFuture<InferenceResponse>> futures = new ArrayList<>();
        for (int i = 0; i < 640; i++) {
            futures.add(runner.submit("tiny", null, Submission.bulk(row(i, 16), "job")));
        }
        for (int i = 0; i < futures.size(); i += 97) {
            InferenceResponse r = futures.get(i).join();
            List<Tensor> direct = registry.ready("tiny", null).instances().get(0)
                    .runBatch(List.of(row(i, 16).inputs()), Set.of()).get(0);
            assertArrayEquals(direct.get(0).toDoubles(), r.outputs().get(0).toDoubles());
            assertEquals("tiny", r.modelName());
        }
        futures.forEach(CompletableFuture::join);
        assertTrue(runner.meanRowsPerRun() >= 32, "mean rows per run " + runner.meanRowsPerRun());
    }

    @Test
    void submit_badRequests_failAloneAndAtOnce() {
        CompletableFuture<InferenceResponse> good = runner.submit("tiny", null, Submission.bulk(row(1, 16), "job"));
        CompletionException shape = assertThrows(CompletionException.class,
                () -> runner.submit("tiny", null, Submission.bulk(row(2, 3), "job")).join());
        assertInstanceOf(InvalidInput.class, shape.getCause());
        CompletionException model = assertThrows(CompletionException.class,
                () -> runner.submit("nope", null, Submission.bulk(row(2, 16), "job")).join());
        assertInstanceOf(ModelNotFound.class, model.getCause());
        assertEquals(4, good.join().outputs().get(0).shape()[1]);
    }
}
