package io.batchwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./batchwise} launcher's JVM options, read from a stand-in {@code java} first on the
 * PATH that writes down its arguments (and a stand-in {@code mvn}, should the launcher decide to
 * build): long-running commands get a fixed heap touched at start, short ones the JVM's own sizing.
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of("..", "batchwise").toAbsolutePath().normalize();

    @TempDir
    static Path bin;

    @BeforeAll
    static void standIns() throws IOException {
        stub("java", "printf '%s\\n' \"$@\" > \"$LAUNCHER_TEST_ARGS\"\n");
        stub("mvn", "exit 0\n");
    }

    private static void stub(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<String> javaArgs(Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(bin, "args", ".txt");
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("LAUNCHER_TEST_ARGS", out.toString());
        pb.environment().remove("BATCHWISE_HEAP");
        pb.environment().remove("BATCHWISE_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher did not finish");
        assertEquals(0, p.exitValue(), log);
        return Files.readAllLines(out);
    }

    private static String option(List<String> args, String prefix) {
        return args.stream().filter(a -> a.startsWith(prefix)).findFirst().orElse(null);
    }

    @Test
    void serve_getsAFixedPreTouchedHeap() throws Exception {
        List<String> args = javaArgs(Map.of(), "serve", "--port", "1");
        String xms = option(args, "-Xms");
        String xmx = option(args, "-Xmx");
        assertTrue(xms != null && xmx != null, args.toString());
        assertEquals(xms.substring(4), xmx.substring(4), "initial and maximum heap differ: " + args);
        assertTrue(args.contains("-XX:+AlwaysPreTouch"), args.toString());
        assertEquals(List.of("serve", "--port", "1"), args.subList(args.size() - 3, args.size()));
    }

    @Test
    void longRunningCommands_allGetIt_shortOnesDoNot() throws Exception {
        for (String[] cmd : List.of(new String[] {"bench", "raw"}, new String[] {"batch", "run"},
                new String[] {"demo"}, new String[] {"profile"}, new String[] {"cost", "bench"})) {
            assertTrue(javaArgs(Map.of(), cmd).contains("-XX:+AlwaysPreTouch"), String.join(" ", cmd));
        }
        for (String[] cmd : List.of(new String[] {"models", "demo"}, new String[] {"cost", "report"},
                new String[] {"infer"}, new String[] {"plan"}, new String[] {})) {
            List<String> args = javaArgs(Map.of(), cmd);
            assertFalse(args.contains("-XX:+AlwaysPreTouch"), String.join(" ", cmd) + ": " + args);
            assertEquals(null, option(args, "-Xms"), String.join(" ", cmd));
        }
    }

    @Test
    void heapSize_followsBatchwiseHeap_andAutoLeavesItToTheJvm() throws Exception {
        List<String> sized = javaArgs(Map.of("BATCHWISE_HEAP", "3g"), "serve");
        assertTrue(sized.contains("-Xms3g") && sized.contains("-Xmx3g"), sized.toString());

        List<String> auto = javaArgs(Map.of("BATCHWISE_HEAP", "auto"), "serve");
        assertEquals(null, option(auto, "-Xms"), auto.toString());
        assertFalse(auto.contains("-XX:+AlwaysPreTouch"), auto.toString());
        assertTrue(auto.contains("-XX:MaxGCPauseMillis=20"), auto.toString());
    }

    @Test
    void javaOpts_comeLast_soTheyOverride() throws Exception {
        List<String> args = javaArgs(Map.of("BATCHWISE_JAVA_OPTS", "-XX:-AlwaysPreTouch"), "serve");
        assertTrue(args.indexOf("-XX:-AlwaysPreTouch") > args.indexOf("-XX:+AlwaysPreTouch"), args.toString());
        assertTrue(args.indexOf("-XX:-AlwaysPreTouch") < args.indexOf("-jar"), args.toString());
    }
}
