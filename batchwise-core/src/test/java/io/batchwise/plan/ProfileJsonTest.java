package io.batchwise.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileJsonTest {
    @Test
    void writeThenParse_roundTripsEveryPoint() {
        Profile p = TestProfiles.scorerLike();
        Profile back = ProfileJson.parse(ProfileJson.write(p), "scorer.json");
        assertEquals(p.model(), back.model());
        assertEquals(p.maxBatchSize(), back.maxBatchSize());
        assertEquals(p.intraOpThreads(), back.intraOpThreads());
        assertEquals(p.points().size(), back.points().size());
        for (int i = 0; i < p.points().size(); i++) {
            Profile.Point a = p.points().get(i);
            Profile.Point b = back.points().get(i);
            assertEquals(a.batchSize(), b.batchSize());
            assertEquals(a.latency().p99(), b.latency().p99(), 1e-7);
            assertEquals(a.rowsPerSecond(), b.rowsPerSecond(), 0.06);
        }
    }

    @Test
    void parse_liveProfileWithOnlyP90_isDeterministic() {
        Profile p = ProfileJson.parse("""
                {"model": "tiny", "source": "live", "max_batch_size": 64,
                 "points": [{"batch_size": 1, "latency_ms": {"p90": 0.5}},
                            {"batch_size": 64, "latency_ms": {"p90": 2.5}}]}
                """, "tiny.json");
        ServiceCurve c = ServiceCurve.of(p.pointsFor(1));
        assertEquals(0.0005, c.quantileSeconds(1, 0.01), 1e-12);
        assertEquals(0.0005, c.quantileSeconds(1, 0.999), 1e-12);
        assertEquals(64 / 0.0025, p.points().get(1).rowsPerSecond(), 1e-6);
    }

    @Test
    void parse_missingP90_errorNamesLineAndField() {
        PlanFileError e = assertThrows(PlanFileError.class, () -> ProfileJson.parse("""
                {
                  "model": "scorer",
                  "max_batch_size": 128,
                  "points": [
                    {"batch_size": 1, "latency_ms": {"p90": 2.0}},
                    {"batch_size": 2,
                     "latency_ms": {"p50": 2.0}}
                  ]
                }
                """, "scorer.json"));
        assertEquals(7, e.line());
        assertEquals("points[1].latency_ms.p90", e.field());
        assertTrue(e.getMessage().startsWith("scorer.json:7: points[1].latency_ms.p90: is required"), e.getMessage());
    }

    @Test
    void parse_batchSizeAboveMax_rejected() {
        PlanFileError e = assertThrows(PlanFileError.class, () -> ProfileJson.parse(
                "{\"model\": \"m\", \"max_batch_size\": 8,\n \"points\": [{\"batch_size\": 16, \"latency_ms\": {\"p90\": 1}}]}",
                "m.json"));
        assertEquals(2, e.line());
        assertEquals("points[0].batch_size", e.field());
    }

    @Test
    void parse_brokenJson_errorNamesLine() {
        PlanFileError e = assertThrows(PlanFileError.class, () -> ProfileJson.parse(
                "{\"model\": \"m\",\n \"max_batch_size\": 8,\n \"points\": [ {\"batch_size\": }\n]}", "m.json"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void profileDirectory_missingProfile_errorAtWorkloadModelLine(@TempDir Path dir) {
        WorkloadFile.Inventory inv = WorkloadFile.parse("""
                workloads:
                  - name: a
                    model: ranker
                    rows_per_day: 1000
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: real-time
                """, "inventory.yaml");
        PlanFileError e = assertThrows(PlanFileError.class,
                () -> new ProfileDirectory(dir).forWorkload(inv.workloads().get(0)));
        assertEquals("inventory.yaml", e.file());
        assertEquals(3, e.line());
        assertEquals("workloads[0].model", e.field());
        assertTrue(e.getMessage().contains("batchwise profile --model ranker"), e.getMessage());
    }

    @Test
    void profileDirectory_profileOfAnotherModel_rejected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ranker.json"), ProfileJson.write(TestProfiles.scorerLike()));
        WorkloadFile.Inventory inv = WorkloadFile.parse("""
                workloads:
                  - name: a
                    model: ranker
                    rows_per_day: 1000
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: real-time
                """, "inventory.yaml");
        PlanFileError e = assertThrows(PlanFileError.class,
                () -> new ProfileDirectory(dir).forWorkload(inv.workloads().get(0)));
        assertEquals(dir.resolve("ranker.json").toString(), e.file());
        assertEquals(2, e.line());
        assertEquals("model", e.field());
    }
}
