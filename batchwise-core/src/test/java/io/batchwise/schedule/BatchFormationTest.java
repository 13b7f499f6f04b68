package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static io.batchwise.schedule.Fixture.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.batchwise.model.BatchingConfig.Policy;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Batches are formed by rows within a shape bucket, and split requests come back whole. */
class BatchFormationTest {
    private static Pending admit(Fixture f, InferenceRequest r, long budget, long now) {
        return f.scheduler.admit(new Submission(r, null, Duration.ofNanos(budget), null, null), now);
    }

    private static void assertTransformed(InferenceRequest r, InferenceResponse res, String output) {
        Tensor in = r.inputs().get(0);
        Tensor out = res.outputs().stream().filter(t -> t.name().equals(output)).findFirst().orElseThrow();
        assertArrayEquals(in.shape(), out.shape());
        assertArrayEquals(Fixture.transform(in, output).toDoubles(), out.toDoubles());
    }

    @Test
    void poll_requestLargerThanMaxBatchSize_runsInPiecesAndReassemblesInOrder() {
        Fixture f = Fixture.config(Policy.SLO).maxBatchSize(128).fixture().seedLatency(2 * MS, 50 * US);
        InferenceRequest r = f.request(300, 4, 0, Map.of());
        Pending p = admit(f, r, 500 * MS, 0);

        new Timeline(f, n -> 2 * MS + 50 * US * n).run(500 * MS);

        assertEquals(List.of(128, 128, 44), f.batches.stream().map(b -> b.rows).toList());
        assertTransformed(r, p.future.join(), "double");
        assertTransformed(r, p.future.join(), "negate");
    }

    @Test
    void complete_piecesWithDifferentOutputSelections_reassemblesEachOutputByName() {
        Fixture f = Fixture.config(Policy.SLO).maxBatchSize(128).fixture().seedLatency(2 * MS, 50 * US);
        InferenceRequest wantsAll = f.request(2, 4, 1000, Map.of());
        InferenceRequest wantsNegate = f.request(130, 4, 0, Map.of(), List.of("negate"));
        Pending all = admit(f, wantsAll, 500 * MS, 0);
        Pending negate = admit(f, wantsNegate, 500 * MS, 0);

        new Timeline(f, n -> 2 * MS + 50 * US * n).run(500 * MS);

        assertEquals(Set.of(), f.batches.get(0).outputs());
        assertEquals(Set.of("negate"), f.batches.get(f.batches.size() - 1).outputs());
        assertEquals(List.of("negate"), negate.future.join().outputs().stream().map(Tensor::name).toList());
        assertTransformed(wantsNegate, negate.future.join(), "negate");
        assertTransformed(wantsAll, all.future.join(), "double");
    }

    @Test
    void poll_requestsWithDifferentRowShapes_neverShareABatch() {
        Fixture f = new Fixture(Fixture.config(Policy.WINDOW).maxQueueDelay(Duration.ZERO).build(), 2);
        InferenceRequest narrowA = f.request(2, 4, 0, Map.of());
        InferenceRequest wide = f.request(3, 8, 100, Map.of());
        InferenceRequest narrowB = f.request(1, 4, 200, Map.of());
        Pending a = admit(f, narrowA, 100 * MS, 0);
        Pending w = admit(f, wide, 100 * MS, 0);
        Pending b = admit(f, narrowB, 100 * MS, 0);

        List<Batch> batches = f.poll(0);
        batches.forEach(batch -> f.execute(batch, 0, MS));

        assertEquals(Set.of(List.of(narrowA.id(), narrowB.id()), List.of(wide.id())),
                Set.copyOf(batches.stream().map(Fixture::ids).toList()));
        assertNotEquals(batches.get(0).bucket, batches.get(1).bucket);
        assertTransformed(narrowA, a.future.join(), "double");
        assertTransformed(wide, w.future.join(), "double");
        assertTransformed(narrowB, b.future.join(), "double");
    }
}
