package io.batchwise.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batchwise demo} as a user runs it, shortened: the real server in process on the real
 * scorer (generated into a temporary data directory), every phase over real HTTP, then the
 * numbers and the clean-up checked.
 */
class DemoIT {
    private static final List<String> MODES = List.of("real-time", "micro-batch", "near-real-time", "batch", "batch+live");

    @TempDir
    Path dir;

    @Test
    void demo_shortRun_measuresEveryModeWithBatchCheaperThanRealTimeAndLeavesNothingRunning() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Path json = dir.resolve("out").resolve("demo.json");
        Path report = dir.resolve("out").resolve("demo.html");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try {
            code = Main.run("demo", "--duration", "6s", "--data", dir.resolve("data").toString(), "--json",
                    json.toString(), "--report", report.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);

        JsonNode modes = new ObjectMapper().readTree(json.toFile()).path("modes");
        List<String> names = new ArrayList<>();
        modes.forEach(m -> names.add(m.path("mode").asText()));
        assertEquals(MODES, names, out);
        for (JsonNode m : modes) {
            for (String field : List.of("utilization", "cost_per_1k", "p50_ms", "p99_ms", "rows")) {
                JsonNode v = m.path(field);
                assertTrue(v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() > 0,
                        m.path("mode").asText() + "." + field + " = " + v + "\n" + out);
            }
            assertTrue(m.path("utilization").asDouble() <= 1, m.toString());
        }
        double realTime = modes.get(0).path("cost_per_1k").asDouble();
        double batch = modes.get(3).path("cost_per_1k").asDouble();
        assertTrue(batch < realTime, "batch " + batch + " per 1k vs real-time " + realTime + "\n" + out);

        assertTrue(out.contains("MODE") && out.contains("planner") && out.contains("report: " + report), out);
        var html = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        assertEquals(3, html.getElementsByTagName("svg").getLength(), "charts in the report");

        // Clean-up: the port is free, the server's threads are gone, the run's state is deleted,
        // the three deployments share one model file.
        Matcher port = Pattern.compile("server on http://127\\.0\\.0\\.1:(\\d+)").matcher(out);
        assertTrue(port.find(), out);
        try (ServerSocket s = new ServerSocket(Integer.parseInt(port.group(1)), 1, InetAddress.getLoopbackAddress())) {
            assertTrue(s.isBound());
        }
        assertEquals(List.of(), leftoverThreads(before));
        try (Stream<Path> demo = Files.list(dir.resolve("data").resolve("demo"))) {
            assertEquals(List.of("models"), demo.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Path onnx = dir.resolve("data/models/scorer/1/model.onnx");
        for (String deployment : List.of("scorer-realtime", "scorer", "scorer-batch")) {
            assertTrue(Files.isSameFile(onnx, dir.resolve("data/demo/models").resolve(deployment).resolve("1/model.onnx")),
                    deployment + " is a hard link to the scorer's model file");
        }
    }

    /**
     * Threads started during the run that are still alive a few seconds later and either keep a
     * JVM running (non-daemon) or belong to the server or the load generator.
     */
    private static List<String> leftoverThreads(Set<Thread> before) throws InterruptedException {
        List<String> left = List.of();
        for (int i = 0; i < 50; i++) {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive())
                    .filter(t -> !t.isDaemon() || t.getName().startsWith("batchwise") || t.getName().startsWith("vert.x")
                            || t.getName().startsWith("bench-http"))
                    .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : "")).sorted().toList();
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(100);
        }
        return left;
    }

    /** Writes to two streams: the test's output stays visible while it is captured. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
