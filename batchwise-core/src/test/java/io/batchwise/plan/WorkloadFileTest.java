package io.batchwise.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadFileTest {
    private static final String GOOD = """
            assumptions:
              spot_preemption_overhead: 15%
              batch_startup: 90s
            workloads:
              - name: checkout
                model: scorer
                rows_per_day: 2_000_000
                peak_to_average: 3
                latency: 100ms
                current_mode: real-time
                growth: 5%
                rows_per_request: 2
              - name: nightly
                model: scorer
                rows_per_day: 1e6
                hourly: [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
                latency: 8h
                current_mode: batch-on-demand
                spot_pool: cpu-spot
            """;

    @Test
    void parse_validFile_readsEveryField() {
        WorkloadFile.Inventory inv = WorkloadFile.parse(GOOD, "w.yaml");
        assertEquals(0.15, inv.assumptions().spotPreemptionOverhead(), 1e-12);
        assertEquals(Duration.ofSeconds(90), inv.assumptions().batchStartup());
        assertEquals(Assumptions.DEFAULT.spotRecovery(), inv.assumptions().spotRecovery());
        Workload a = inv.workloads().get(0);
        assertEquals("checkout", a.name());
        assertEquals(2_000_000, a.rowsPerDay());
        assertEquals(2_000_000 * 3 / 86400.0, a.peakRowsPerSecond(), 1e-9);
        assertEquals(Duration.ofMillis(100), a.latency());
        assertEquals(Mode.REAL_TIME, a.currentMode());
        assertEquals(0.05, a.growthPerMonth(), 1e-12);
        assertEquals(2, a.rowsPerRequest());
        Workload b = inv.workloads().get(1);
        assertEquals(1e6 / 2 / 3600, b.peakRowsPerSecond(), 1e-9);
        assertEquals(0.5, b.hourlyShare()[2], 1e-12);
        assertEquals("cpu-spot", b.spotPool());
        assertEquals(Duration.ofHours(8), b.latency());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad latency        | latency: fast                 | 7 | workloads[0].latency         | not a duration",
        "zero latency       | latency: 0ms                  | 7 | workloads[0].latency         | longer than 0",
        "bad mode           | current_mode: serverless      | 8 | workloads[0].current_mode    | must be real-time",
        "negative rows      | rows_per_day: -5              | 5 | workloads[0].rows_per_day    | must be between",
        "text rows          | rows_per_day: lots            | 5 | workloads[0].rows_per_day    | must be a number",
        "unknown field      | latncy: 100ms                 | 9 | workloads[0].latncy          | unknown field",
        "ratio too large    | peak_to_average: 30           | 6 | workloads[0].peak_to_average | must be between 1 and 24",
        "bad growth         | growth: lots                  | 9 | workloads[0].growth          | fraction like 5%",
    })
    void parse_badValue_errorNamesFileLineAndField(String what, String replacement, int line, String field,
                                                  String message) {
        String key = replacement.substring(0, replacement.indexOf(':'));
        String yaml = base().lines().map(l -> l.trim().startsWith(key + ":") ? "    " + replacement : l)
                .reduce((x, y) -> x + "\n" + y).orElseThrow() + "\n";
        if (!yaml.contains(replacement)) {
            yaml = yaml + "    " + replacement + "\n";
        }
        String text = yaml;
        PlanFileError e = assertThrows(PlanFileError.class, () -> WorkloadFile.parse(text, "inventory.yaml"));
        assertEquals("inventory.yaml", e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith("inventory.yaml:" + line + ": " + field + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static String base() {
        return """
                # inventory
                workloads:
                  - name: a
                    model: scorer
                    rows_per_day: 1000
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: real-time
                """;
    }

    @Test
    void parse_missingField_errorAtItsEntry() {
        PlanFileError e = assertThrows(PlanFileError.class, () -> WorkloadFile.parse("""
                workloads:
                  - name: a
                    model: scorer
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: real-time
                """, "w.yaml"));
        assertEquals(2, e.line());
        assertEquals("workloads[0].rows_per_day", e.field());
        assertTrue(e.getMessage().contains("is required"));
    }

    @Test
    void parse_duplicateNameAndBothShapes_rejected() {
        PlanFileError dup = assertThrows(PlanFileError.class, () -> WorkloadFile.parse(base() + """
                  - name: a
                    model: scorer
                    rows_per_day: 1000
                    peak_to_average: 2
                    latency: 100ms
                    current_mode: real-time
                """, "w.yaml"));
        assertEquals(9, dup.line());
        assertEquals("workloads[1].name", dup.field());
        PlanFileError both = assertThrows(PlanFileError.class, () -> WorkloadFile.parse(base()
                + "    hourly: [1, 1]\n", "w.yaml"));
        assertEquals("workloads[0].hourly", both.field());
        assertEquals(9, both.line());
    }

    @Test
    void parse_hourlyNeeds24Weights() {
        String yaml = base().replace("    peak_to_average: 2\n", "    hourly: [1, 2, 3]\n");
        PlanFileError e = assertThrows(PlanFileError.class, () -> WorkloadFile.parse(yaml, "w.yaml"));
        assertEquals(6, e.line());
        assertTrue(e.getMessage().contains("needs 24 weights"), e.getMessage());
    }

    @Test
    void read_invalidYaml_errorNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "workloads:\n  - name: a\n    model: [scorer\n    latency: 5ms\n");
        PlanFileError e = assertThrows(PlanFileError.class, () -> WorkloadFile.read(file));
        assertEquals(file.toString(), e.file());
        assertTrue(e.line() >= 3, e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ":" + e.line() + ": not valid YAML"), e.getMessage());
    }

    @Test
    void read_missingFile_saysSo(@TempDir Path dir) {
        Path file = dir.resolve("none.yaml");
        Exception e = assertThrows(io.batchwise.model.InvalidConfig.class, () -> WorkloadFile.read(file));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }
}
