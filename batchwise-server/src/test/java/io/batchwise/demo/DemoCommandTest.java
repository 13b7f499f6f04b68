package io.batchwise.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.batchwise.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"2s", "abc", "-5s"})
    void demo_badDuration_exits2BeforeTouchingAnything(String duration) {
        assertEquals(2, Main.run("demo", "--duration", duration, "--data", dir.resolve("data").toString()));
        assertFalse(Files.exists(dir.resolve("data")), "no models generated, no server started");
    }
}
