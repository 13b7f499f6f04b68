package io.batchwise.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.HashSet;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PlanReportsTest {
    private static Plan plan;

    @BeforeAll
    static void plan() {
        Profile scorer = TestProfiles.scorerLike();
        plan = new Planner(PriceFiles.builtIn(), new PlannerOptions(2000, 7, 4096, YearMonth.of(2026, 3), true))
                .plan(WorkloadFile.parse("""
                        workloads:
                          - name: checkout
                            model: scorer
                            rows_per_day: 2_000_000
                            peak_to_average: 3
                            latency: 100ms
                            current_mode: real-time
                            growth: 3%
                          - name: nightly <scores> & more
                            model: scorer
                            rows_per_day: 5_000_000
                            peak_to_average: 24
                            latency: 8h
                            current_mode: batch-on-demand
                        """.replace("nightly <scores> & more", "\"nightly<&>\""), "w.yaml"), w -> scorer);
    }

    @Test
    void json_hasTheDocumentedShape() throws Exception {
        JsonNode root = new ObjectMapper().readTree(PlanJson.write(plan));
        JsonNode w = root.path("workloads").get(0);
        assertEquals("checkout", w.path("name").asText());
        assertTrue(Set.of("real-time", "micro-batch").contains(w.path("recommended_mode").asText()));
        assertTrue(w.path("saving_per_month").isNumber() || w.path("saving_per_month").isNull());
        assertEquals(5, w.path("modes").size());
        Set<String> modes = new HashSet<>();
        for (JsonNode m : w.path("modes")) {
            modes.add(m.path("mode").asText());
            for (String f : new String[] {"mode", "feasible", "reason", "instances", "utilization", "monthly_cost",
                    "cost_per_1k"}) {
                assertTrue(m.has(f), "mode entry has " + f + ": " + m);
            }
            if (!m.path("feasible").asBoolean()) {
                assertTrue(m.path("monthly_cost").isNull());
                assertFalse(m.path("reason").asText().isBlank());
            }
        }
        assertEquals(Set.of("real-time", "micro-batch", "near-real-time", "batch-on-demand", "batch-spot"), modes);
        assertEquals(12, root.path("forecast").size());
        assertEquals("2026-03", root.path("forecast").get(0).path("period").asText());
        assertTrue(root.path("forecast").get(0).path("total_cost").isNumber());
    }

    @Test
    void html_parsesAsXmlAndHoldsThreeChartsPerWorkloadPlusForecast() throws Exception {
        String html = PlanHtml.write(plan);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        NodeList svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
        int cost = 0;
        int batch = 0;
        int latency = 0;
        int forecast = 0;
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            switch (svg.getAttribute("data-chart")) {
                case "cost-per-mode" -> cost++;
                case "cost-per-batch-size" -> batch++;
                case "latency-vs-load" -> latency++;
                case "forecast" -> forecast++;
                default -> throw new AssertionError("unknown chart " + svg.getAttribute("data-chart"));
            }
            assertTrue(svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength()
                    + svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline").getLength() > 0,
                    "chart " + svg.getAttribute("data-chart") + " draws something");
        }
        assertEquals(2, cost);
        assertEquals(2, batch);
        assertEquals(2, latency);
        assertEquals(1, forecast);
        assertTrue(html.contains("nightly&lt;&amp;&gt;"), "names are escaped");
    }

    @Test
    void html_isSelfContained() {
        String html = PlanHtml.write(plan);
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("src="));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("url("));
        String withoutNamespaces = html.replace("http://www.w3.org/2000/svg", "").replace("http://www.w3.org/1999/xhtml", "");
        assertFalse(withoutNamespaces.contains("http:") || withoutNamespaces.contains("https:"));
    }

    @Test
    void table_namesEveryModeAndTheRecommendation() {
        String text = PlanTable.write(plan);
        for (Mode m : Mode.values()) {
            assertTrue(text.contains(m.label()));
        }
        assertTrue(text.contains("-> recommended: "));
        assertTrue(text.contains("2026-03"));
    }
}
