package io.batchwise.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.plan.Assumptions;
import io.batchwise.plan.Plan;
import io.batchwise.schedule.ServiceClass;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class DemoRenderTest {
    /** Five modes with made-up ledger numbers; batch+live has no p50 (NaN) to check unknowns. */
    private static DemoResult result() {
        List<DemoResult.ModeLine> lines = new ArrayList<>();
        double[][] n = {
            // provisioned s, busy s, rows, runs, cost, p50, p99
            {10, 3, 1000, 1000, 0.002, 3, 30},
            {10, 1, 1000, 250, 0.002, 30, 45},
            {10, 6, 20000, 160, 0.002, 900, 1900},
            {5, 4.5, 30000, 240, 0.001, 5000, 5000},
            {8, 7, 30000, 3000, 0.0012, Double.NaN, 8000}};
        for (DemoMode m : DemoMode.values()) {
            double[] v = n[m.ordinal()];
            LedgerWindow.Usage u = new LedgerWindow.Usage("scorer", ServiceClass.BULK, v[0], v[1], (long) v[2], (long) v[3],
                    v[4], v[4]);
            lines.add(new DemoResult.ModeLine(m, "scorer", "served <somehow>", u, v[5], v[6], 0.01, v[0]));
        }
        return new DemoResult("USD", Map.of("cores", "2"), List.of("setup & traffic"), lines,
                new DemoResult.Live(20, 60, 0, 100), new Plan("USD", Assumptions.DEFAULT, List.of(), List.of()));
    }

    @Test
    void json_fiveModes_haveTheTableNumbersAndNullForUnknown() throws Exception {
        JsonNode root = new ObjectMapper().readTree(DemoJson.write(result()));
        JsonNode modes = root.path("modes");
        assertEquals(5, modes.size());
        assertEquals("real-time", modes.get(0).path("mode").asText());
        assertEquals(0.3, modes.get(0).path("utilization").asDouble(), 1e-12);
        assertEquals(0.002, modes.get(0).path("cost_per_1k").asDouble(), 1e-12);
        assertEquals(1000, modes.get(0).path("rows").asLong());
        assertEquals("batch+live", modes.get(4).path("mode").asText());
        assertTrue(modes.get(4).path("p50_ms").isNull());
        assertEquals(0.00004, modes.get(4).path("cost_per_1k").asDouble(), 1e-12);
        assertTrue(modes.get(3).path("spot_eligible").asBoolean());
        assertEquals("job makespan", modes.get(3).path("latency").asText());
    }

    @Test
    void html_fiveModes_isWellFormedWithThreeCharts() throws Exception {
        String html = DemoHtml.write(result(), "spot: a note");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, doc.getElementsByTagName("svg").getLength());
        for (DemoMode m : DemoMode.values()) {
            assertTrue(html.contains(">" + m.label() + "<"), m.label());
        }
        assertTrue(html.contains("served &lt;somehow&gt;") && html.contains("setup &amp; traffic"), "escaped");
        assertTrue(!html.contains("<script") && !html.contains("src=") && !html.contains("href=\"http"),
                "self-contained: no scripts, no external resources");
    }

    @Test
    void table_realTimeFirst_showsEachModeAgainstIt() {
        List<String> lines = DemoTable.modes(result()).lines().toList();
        assertEquals(6, lines.size());
        assertTrue(lines.get(1).startsWith("real-time") && lines.get(1).contains(" = "), lines.get(1));
        assertTrue(lines.get(3).startsWith("near-real-time") && lines.get(3).contains("-95%"), lines.get(3)); // 0.0001 vs 0.002
        assertTrue(lines.get(4).contains("5.00 s"), "batch latency is the makespan: " + lines.get(4));
    }
}
