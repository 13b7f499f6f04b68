package io.batchwise.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.onnx.DemoModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository scan only looks at files, so most models here are placeholder bytes. */
class ModelRepositoryTest {
    @TempDir
    Path root;

    @Test
    void read_severalVersions_servesTheHighestNumericOne() throws IOException {
        for (String v : List.of("1", "2", "10", "9")) {
            model("m", v);
        }
        Files.createDirectories(root.resolve("m/11")); // no model.onnx: not a version
        Files.createDirectories(root.resolve("m/latest"));
        Files.writeString(root.resolve("m/latest/model.onnx"), "x"); // not numeric: not a version
        ModelSource m = new ModelRepository(root).read("m");
        assertEquals(10, m.version());
        assertEquals(List.of(1L, 2L, 9L, 10L), m.versions());
        assertEquals(root.resolve("m/10/model.onnx"), m.onnxFile());
        assertTrue(m.loadable());
    }

    @Test
    void read_noConfigFile_appliesDefaults() throws IOException {
        model("plain", "1");
        ModelSource m = new ModelRepository(root).read("plain");
        assertEquals(ModelConfig.defaults("plain"), m.config());
        assertNull(m.configError());
    }

    @Test
    void read_configFile_isParsed() throws IOException {
        model("m", "3");
        Files.writeString(root.resolve("m/config.yaml"), "max_batch_size: 8\ninstances: 2\n");
        ModelConfig c = new ModelRepository(root).read("m").config();
        assertEquals(8, c.maxBatchSize());
        assertEquals(2, c.instances());
        assertEquals("m", c.name());
    }

    @Test
    void scan_brokenFolders_areReportedWithReasonsAndOthersLoadable() throws IOException {
        model("good", "1");
        model("badconfig", "1");
        Files.writeString(root.resolve("badconfig/config.yaml"), "max_batch_size: -3\n");
        Files.createDirectories(root.resolve("empty"));
        model("renamed", "1");
        Files.writeString(root.resolve("renamed/config.yaml"), "name: other\n");
        model("badyaml", "1");
        Files.writeString(root.resolve("badyaml/config.yaml"), "batching: [\n");
        Files.writeString(root.resolve("README.txt"), "files at the top level are ignored");

        Map<String, ModelSource> found = new ModelRepository(root).scan().stream()
                .collect(Collectors.toMap(ModelSource::name, Function.identity()));

        assertEquals(5, found.size(), found.keySet().toString());
        assertTrue(found.get("good").loadable());
        assertEquals(ModelConfig.defaults("good"), found.get("good").config());
        assertBroken(found.get("badconfig"), "max_batch_size", "-3");
        assertBroken(found.get("empty"), "no version folder", "empty");
        assertBroken(found.get("renamed"), "name", "other");
        assertBroken(found.get("badyaml"), "not valid YAML", "config.yaml");
    }

    @Test
    void scan_demoRepository_everyModelLoadableWithItsConfig() throws IOException {
        DemoModels.writeTiny(root);
        DemoModels.writeEmbedder(root);
        List<ModelSource> found = new ModelRepository(root).scan();
        assertEquals(List.of("embedder", "tiny"), found.stream().map(ModelSource::name).toList());
        for (ModelSource m : found) {
            assertTrue(m.loadable(), m.configError());
            assertEquals(1, m.version());
        }
        assertEquals("hashing", found.get(0).config().tokenizer());
        assertEquals(64, found.get(1).config().maxBatchSize());
    }

    @Test
    void scan_missingRoot_throwsNamingIt() {
        Path missing = root.resolve("nope");
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> new ModelRepository(missing).scan());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    private static void assertBroken(ModelSource m, String... mentions) {
        assertFalse(m.loadable(), m.name());
        assertNull(m.config(), m.name());
        for (String s : mentions) {
            assertTrue(m.configError().contains(s), () -> m.name() + ": '" + s + "' not in: " + m.configError());
        }
    }

    private void model(String name, String version) throws IOException {
        Path dir = root.resolve(name).resolve(version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.onnx"), "placeholder");
    }
}
