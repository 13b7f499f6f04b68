package io.batchwise.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.onnx.DemoModels;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Rows;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rows of several requests run as one ONNX Runtime call must give each request what it gets alone. */
class ModelInstanceBatchingTest {
    private static final long[] ROWS = {1, 3, 2, 5, 1, 7, 4};

    @TempDir
    static Path repo;
    private static ModelInstance tiny;
    private static ModelInstance embedder;

    @BeforeAll
    static void open() throws IOException {
        DemoModels.writeTiny(repo);
        DemoModels.writeEmbedder(repo);
        OnnxRuntime runtime = OnnxRuntime.create();
        tiny = open(runtime, "tiny");
        embedder = open(runtime, "embedder");
    }

    @AfterAll
    static void close() {
        tiny.close();
        embedder.close();
    }

    private static ModelInstance open(OnnxRuntime runtime, String name) {
        ModelSource source = new ModelRepository(repo).read(name);
        return runtime.open(source.onnxFile(), source.config(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "embedder"})
    void runBatch_requestsTogether_giveExactlyTheOutputsOfSeparateRuns(String model) {
        ModelInstance instance = model.equals("tiny") ? tiny : embedder;
        List<List<Tensor>> requests = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        for (long rows : ROWS) {
            requests.add(List.of(model.equals("tiny") ? floats(random, rows) : tokenIds(random, rows)));
        }

        List<List<Tensor>> together = instance.runBatch(requests, Set.of());

        assertEquals(requests.size(), together.size());
        for (int r = 0; r < requests.size(); r++) {
            List<Tensor> alone = instance.runBatch(List.of(requests.get(r)), Set.of()).get(0);
            assertEquals(1, together.get(r).size());
            Tensor batched = together.get(r).get(0);
            assertEquals(alone.get(0).name(), batched.name());
            assertArrayEquals(alone.get(0).shape(), batched.shape(), "request " + r);
            assertEquals(ROWS[r], batched.rows());
            if (ROWS[r] > 1 || model.equals("tiny")) {
                assertArrayEquals(bytes(alone.get(0)), bytes(batched), model + " request " + r + " differs when batched");
            } else {
                // ONNX Runtime picks another kernel for a single-row run of the embedder's
                // Gather/ReduceMean/MatMul chain, which sums in another order: measured <= 6e-8.
                assertArrayEquals(alone.get(0).toDoubles(), batched.toDoubles(), 1e-6, model + " request " + r);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "embedder"})
    void runBatch_splitOutputs_areExactlyTheRowsOfOneConcatenatedRun(String model) {
        ModelInstance instance = model.equals("tiny") ? tiny : embedder;
        List<Tensor> parts = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(3);
        for (long rows : ROWS) {
            parts.add(model.equals("tiny") ? floats(random, rows) : tokenIds(random, rows));
        }
        List<List<Tensor>> requests = parts.stream().map(List::of).toList();

        List<List<Tensor>> split = instance.runBatch(requests, Set.of());
        Tensor whole = instance.runBatch(List.of(List.of(Rows.concat(parts))), Set.of()).get(0).get(0);

        long at = 0;
        for (int r = 0; r < ROWS.length; r++) {
            assertArrayEquals(bytes(Rows.slice(whole, at, ROWS[r])), bytes(split.get(r).get(0)), "request " + r);
            at += ROWS[r];
        }
    }

    @Test
    void runBatch_repeatedWithGrowingAndShrinkingBatches_reusesBuffersCorrectly() {
        SplittableRandom random = new SplittableRandom(7);
        Tensor one = floats(random, 1);
        double[] expected = tiny.runBatch(List.of(List.of(one)), Set.of()).get(0).get(0).toDoubles();
        for (int rows : new int[] {64, 2, 33, 1}) {
            List<List<Tensor>> requests = List.of(List.of(floats(random, rows)), List.of(one));
            List<List<Tensor>> out = tiny.runBatch(requests, Set.of());
            assertArrayEquals(expected, out.get(1).get(0).toDoubles(), 0.0, "after a batch of " + rows);
        }
    }

    @Test
    void runBatch_outputsSelected_returnsOnlyThose() {
        List<List<Tensor>> out = tiny.runBatch(List.of(List.of(floats(new SplittableRandom(1), 2))), Set.of("output"));
        assertEquals(List.of("output"), out.get(0).stream().map(Tensor::name).toList());
    }

    @Test
    void runBatch_dataTheModelRejects_throwsInvalidInputAndInstanceKeepsWorking() {
        long[] ids = new long[64];
        ids[5] = 99_999; // outside the 8192-entry embedding table
        InvalidInput e = assertThrows(InvalidInput.class, () -> embedder.runBatch(
                List.of(List.of(Tensor.ofLongs("input_ids", new long[] {1, 64}, ids))), Set.of()));
        assertTrue(e.getMessage().contains("embedder") && e.getMessage().contains("99999"), e.getMessage());
        assertFalse(e.getMessage().contains("ORT_INVALID_ARGUMENT"), e.getMessage());

        Tensor ok = embedder.runBatch(List.of(List.of(tokenIds(new SplittableRandom(1), 2))), Set.of()).get(0).get(0);
        assertEquals(2, ok.rows());
    }

    @Test
    void signature_readFromTheGraph_hasDynamicRowDimension() {
        assertEquals(List.of(new TensorSpec("input", io.batchwise.tensor.DataType.FP32, new long[] {-1, 16})),
                tiny.signature().inputs());
        assertEquals(List.of(new TensorSpec("output", io.batchwise.tensor.DataType.FP32, new long[] {-1, 4})),
                tiny.signature().outputs());
        assertEquals(List.of(new TensorSpec("input_ids", io.batchwise.tensor.DataType.INT64, new long[] {-1, 64})),
                embedder.signature().inputs());
        assertEquals(List.of(new TensorSpec("embedding", io.batchwise.tensor.DataType.FP32, new long[] {-1, 384})),
                embedder.signature().outputs());
    }

    static Tensor floats(SplittableRandom random, long rows) {
        float[] values = new float[Math.toIntExact(rows * 16)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-2, 2);
        }
        return Tensor.ofFloats("input", new long[] {rows, 16}, values);
    }

    static Tensor tokenIds(SplittableRandom random, long rows) {
        long[] ids = new long[Math.toIntExact(rows * 64)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(8192);
        }
        return Tensor.ofLongs("input_ids", new long[] {rows, 64}, ids);
    }

    static byte[] bytes(Tensor t) {
        ByteBuffer b = t.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
