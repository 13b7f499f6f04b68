package io.batchwise.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchwise.schedule.Outcome;
import io.batchwise.schedule.RunRecord;
import io.batchwise.schedule.ServiceClass;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceStatisticsTest {
    private final InferenceStatistics stats =
            new InferenceStatistics(Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC));

    private static RunRecord run(String model, int rows, long nanos) {
        return new RunRecord(model, 0, 1_000, 1_000 + nanos, rows, Map.of(ServiceClass.INTERACTIVE, rows), Map.of(),
                Map.of(), "full");
    }

    @Test
    void snapshot_unknownModel_isAllZeros() {
        InferenceStatistics.Snapshot s = stats.snapshot("m");
        assertEquals(0, s.inferenceCount());
        assertEquals(0, s.executionCount());
        assertEquals(0, s.lastInferenceMillis());
        assertEquals(InferenceStatistics.CountAndNanos.ZERO, s.success());
        assertEquals(List.of(), s.batchStats());
    }

    @Test
    void snapshot_afterRunsAndRequests_countsRowsRunsAndTimesPerTritonFields() {
        stats.onRun(run("m", 3, 700));
        stats.onRun(run("m", 1, 300));
        stats.onRun(run("m", 3, 500));
        stats.onRequestDone("m", ServiceClass.INTERACTIVE, Outcome.SUCCESS, 3, 100, 700, 900, true);
        stats.onRequestDone("m", ServiceClass.INTERACTIVE, Outcome.SUCCESS, 1, 50, 300, 400, true);
        stats.onRequestDone("m", ServiceClass.INTERACTIVE, Outcome.EXPIRED, 2, 5000, 0, 5000, false);
        stats.onRequestDone("other", ServiceClass.INTERACTIVE, Outcome.SUCCESS, 9, 1, 1, 2, true);

        InferenceStatistics.Snapshot s = stats.snapshot("m");
        assertEquals(4, s.inferenceCount());
        assertEquals(3, s.executionCount());
        assertEquals(1_700_000_000_123L, s.lastInferenceMillis());
        assertEquals(new InferenceStatistics.CountAndNanos(2, 1300), s.success());
        assertEquals(new InferenceStatistics.CountAndNanos(1, 5000), s.fail());
        assertEquals(new InferenceStatistics.CountAndNanos(2, 150), s.queue());
        assertEquals(new InferenceStatistics.CountAndNanos(2, 1000), s.computeInfer());
        assertEquals(new InferenceStatistics.CountAndNanos(2, 0), s.computeInput());
        assertEquals(new InferenceStatistics.CountAndNanos(2, 0), s.computeOutput());
        assertEquals(2, s.batchStats().size());
        InferenceStatistics.BatchStats one = s.batchStats().get(0);
        InferenceStatistics.BatchStats three = s.batchStats().get(1);
        assertEquals(1, one.batchSize());
        assertEquals(new InferenceStatistics.CountAndNanos(1, 300), one.computeInfer());
        assertEquals(3, three.batchSize());
        assertEquals(new InferenceStatistics.CountAndNanos(2, 1200), three.computeInfer());
        assertEquals(new InferenceStatistics.CountAndNanos(2, 0), three.computeInput());
        assertEquals(9, stats.snapshot("other").inferenceCount());
    }
}
