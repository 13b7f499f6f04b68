package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.BatchingConfig.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code policy: none}: the per-request baseline. */
class NoBatchingTest {
    @Test
    void poll_withSeveralQueued_runsOneRequestPerRun() {
        Fixture f = new Fixture(Fixture.config(Policy.NONE).build(), 2);
        Pending a = f.live(2, 100 * MS, 0);
        Pending b = f.live(3, 100 * MS, 0);
        Pending c = f.live(1, 100 * MS, 0);

        List<Batch> first = f.poll(0);
        assertEquals(2, first.size(), "one run per free instance");
        f.execute(first.get(0), 0, MS);
        List<Batch> second = f.poll(MS);
        f.execute(first.get(1), 0, MS);
        f.execute(second.get(0), MS, 2 * MS);

        assertEquals(List.of(List.of(a.request.id()), List.of(b.request.id()), List.of(c.request.id())),
                f.batches.stream().map(Fixture::ids).toList());
        assertTrue(f.batches.stream().allMatch(batch -> batch.reason.equals("single")));
        assertTrue(a.future.isDone() && b.future.isDone() && c.future.isDone());
    }
}
