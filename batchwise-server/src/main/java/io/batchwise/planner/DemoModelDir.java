package io.batchwise.planner;

import io.batchwise.model.InvalidConfig;
import io.batchwise.onnx.DemoModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temporary model repository holding one demo model, for commands run without {@code --models}. */
final class DemoModelDir {
    private DemoModelDir() {
    }

    /** Writes demo model {@code name} into a new temporary directory and returns it. */
    static Path create(String name) {
        if (!DemoModels.NAMES.contains(name)) {
            throw new InvalidConfig("--model: '" + name + "' is not a demo model (" + String.join(", ", DemoModels.NAMES)
                    + "); pass --models DIR for your own repository");
        }
        try {
            Path dir = Files.createTempDirectory("batchwise-models-");
            switch (name) {
                case "scorer" -> DemoModels.writeScorer(dir);
                case "embedder" -> DemoModels.writeEmbedder(dir);
                default -> DemoModels.writeTiny(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo model " + name, e);
        }
    }

    /** Deletes a directory tree, best effort. */
    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
