package io.batchwise.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A model repository in Triton's layout: {@code DIR/<model>/config.yaml} (optional; without
 * it a Triton {@code config.pbtxt} is imported, see {@link TritonConfigImport}) and
 * {@code DIR/<model>/<version>/model.onnx}; the highest numeric version is served.
 */
public final class ModelRepository {
    private static final Logger LOG = Logger.getLogger(ModelRepository.class.getName());

    private final Path root;

    public ModelRepository(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Scans every model folder. A broken folder is returned with its error, never thrown. */
    public List<ModelSource> scan() {
        if (!Files.isDirectory(root)) {
            throw new InvalidConfig("models: not a directory (got " + root + ")");
        }
        List<ModelSource> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                out.add(read(dir));
            }
        } catch (IOException e) {
            throw new InvalidConfig("models: cannot list " + root + " (" + e.getMessage() + ")");
        }
        return out;
    }

    /** Reads one model folder by name. */
    public ModelSource read(String name) {
        return read(root.resolve(name));
    }

    private ModelSource read(Path dir) {
        String name = dir.getFileName().toString();
        List<Long> versions = versions(dir);
        long version = versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
        Path onnx = dir.resolve(Long.toString(version)).resolve("model.onnx");
        if (versions.isEmpty()) {
            return new ModelSource(name, dir, 0, versions, onnx, null,
                    "no version folder with a model.onnx under " + dir);
        }
        try {
            Path yaml = dir.resolve("config.yaml");
            Path pbtxt = dir.resolve("config.pbtxt");
            ModelConfig config = Files.exists(yaml) ? ModelConfigParser.read(yaml, name)
                    : Files.exists(pbtxt) ? importTriton(pbtxt, name) : ModelConfig.defaults(name);
            if (!config.name().equals(name)) {
                throw new InvalidConfig("name: must match the folder name '" + name + "' (got " + config.name() + ")");
            }
            return new ModelSource(name, dir, version, versions, onnx, config, null);
        } catch (InvalidConfig e) {
            return new ModelSource(name, dir, version, versions, onnx, null, e.getMessage());
        }
    }

    /** Imports Triton's config.pbtxt (used when there is no config.yaml), warning about what it does not use. */
    private static ModelConfig importTriton(Path pbtxt, String name) {
        TritonConfigImport.Result imported = TritonConfigImport.read(pbtxt, name);
        if (!imported.unsupported().isEmpty()) {
            LOG.warning(() -> "model " + name + ": " + pbtxt + " has fields batchwise does not support, ignored: "
                    + String.join("; ", imported.unsupported()));
        }
        return imported.config();
    }

    private static List<Long> versions(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().matches("\\d{1,18}"))
                    .filter(p -> Files.isRegularFile(p.resolve("model.onnx")))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
