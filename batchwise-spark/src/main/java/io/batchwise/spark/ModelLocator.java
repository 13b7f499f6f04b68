package io.batchwise.spark;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelConfigParser;
import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.runtime.ModelSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;

/**
 * Finds a model on the driver and decides how executors will reach it.
 *
 * <p>{@code modelPath} may be an ONNX file, a model folder in batchwise's repository layout
 * ({@code DIR/<model>} with {@code <version>/model.onnx} and an optional {@code config.yaml}:
 * the highest version is used and the config supplies the defaults), or a URI Hadoop can read
 * ({@code hdfs://}, {@code s3a://}, ...). ONNX Runtime opens local files only, so a URI is
 * always shipped; a local path is shipped unless the caller says it is on shared storage, and
 * never in local mode, where driver and executor share the machine.
 */
final class ModelLocator {
    /**
     * A model found on the driver: its local ONNX file, version and configuration.
     *
     * @param configYaml the text of its {@code config.yaml}, or null when it has none
     */
    record Found(String name, long version, Path localFile, ModelConfig config, String configYaml) {
    }

    private ModelLocator() {
    }

    /** Resolves {@code modelPath} to a local file, copying a remote one to a temp file. */
    static Found find(String modelPath, SparkContext sc) {
        if (isRemote(modelPath)) {
            return fetch(modelPath, sc);
        }
        Path path = modelPath.startsWith("file:") ? Path.of(URI.create(modelPath)) : Path.of(modelPath);
        if (Files.isDirectory(path)) {
            Path dir = path.toAbsolutePath().normalize();
            ModelSource source = new ModelRepository(dir.getParent()).read(dir.getFileName().toString());
            if (!source.loadable()) {
                throw new IllegalArgumentException("modelPath: " + source.configError());
            }
            Path yaml = dir.resolve("config.yaml");
            return new Found(source.name(), source.version(), source.onnxFile(), source.config(),
                    Files.exists(yaml) ? read(yaml) : null);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("modelPath: no ONNX file or model folder at " + path);
        }
        String name = modelName(path);
        return new Found(name, version(path), path.toAbsolutePath().normalize(), ModelConfig.defaults(name), null);
    }

    /**
     * Copies a remote model to a local temp file: an ONNX file, or a model folder whose highest
     * numeric version holds {@code model.onnx} (with the folder's {@code config.yaml}, if any).
     */
    private static Found fetch(String modelPath, SparkContext sc) {
        try {
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(modelPath);
            FileSystem fs = remote.getFileSystem(sc.hadoopConfiguration());
            if (!fs.exists(remote)) {
                throw new IllegalArgumentException("modelPath: no ONNX file or model folder at " + modelPath);
            }
            String name = modelName(Path.of(remote.getName()));
            ModelConfig config = ModelConfig.defaults(name);
            String yamlText = null;
            org.apache.hadoop.fs.Path file = remote;
            if (fs.getFileStatus(remote).isDirectory()) {
                name = remote.getName();
                file = highestVersion(fs, remote);
                org.apache.hadoop.fs.Path yaml = new org.apache.hadoop.fs.Path(remote, "config.yaml");
                if (fs.exists(yaml)) {
                    try (var in = fs.open(yaml)) {
                        yamlText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    config = ModelConfigParser.parse(yamlText, name);
                } else {
                    config = ModelConfig.defaults(name);
                }
            }
            Path local = Files.createTempDirectory("batchwise-model").resolve(name + ".onnx");
            fs.copyToLocalFile(file, new org.apache.hadoop.fs.Path(local.toUri()));
            local.toFile().deleteOnExit();
            String folder = file.getParent().getName();
            long version = folder.matches("\\d{1,18}") ? Long.parseLong(folder) : 1;
            return new Found(name, version, local, config, yamlText);
        } catch (IOException e) {
            throw new UncheckedIOException("modelPath: cannot read " + modelPath + ": " + e.getMessage(), e);
        }
    }

    private static org.apache.hadoop.fs.Path highestVersion(FileSystem fs, org.apache.hadoop.fs.Path dir)
            throws IOException {
        long best = -1;
        for (FileStatus child : fs.listStatus(dir)) {
            String n = child.getPath().getName();
            if (child.isDirectory() && n.matches("\\d{1,18}") && Long.parseLong(n) > best
                    && fs.exists(new org.apache.hadoop.fs.Path(child.getPath(), "model.onnx"))) {
                best = Long.parseLong(n);
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("modelPath: no version folder with a model.onnx under " + dir);
        }
        return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(dir, Long.toString(best)), "model.onnx");
    }

    /**
     * The {@link ModelFile} tasks receive: the driver's path when executors can read it, else
     * a name under which the file is shipped with the job ({@code SparkContext.addFile}).
     */
    static ModelFile forExecutors(String modelPath, Found found, Boolean ship, int intraOpThreads,
                                  SparkContext sc) {
        boolean shipping = isRemote(modelPath) || (ship != null ? ship : !sc.isLocal());
        if (!shipping) {
            return ModelFile.of(found, null, intraOpThreads);
        }
        String shippedName = shippedName(found);
        sc.addFile(link(found.localFile(), shippedName).toString());
        return ModelFile.of(found, shippedName, intraOpThreads);
    }

    /** A job's files share one namespace, and every version folder holds a "model.onnx". */
    private static String shippedName(Found found) {
        int hash = found.localFile().toAbsolutePath().normalize().toString().hashCode();
        return found.name() + "-" + HexFormat.of().toHexDigits(hash) + ".onnx";
    }

    /**
     * The file under its shipping name. Spark ships a symbolic link under its target's name,
     * so this is a hard link (free on the same file system) or else a copy.
     */
    private static Path link(Path file, String name) {
        try {
            Path dir = Files.createTempDirectory("batchwise-ship");
            Path link = dir.resolve(name);
            try {
                Files.createLink(link, file.toAbsolutePath());
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(file, link);
            }
            link.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + file + " for shipping: " + e.getMessage(), e);
        }
    }

    /** The model's inputs and outputs, read by opening it on the driver. */
    static ModelSignature signature(Found found) {
        return ExecutorModels.pool(ModelFile.of(found, null, found.config().intraOpThreads())).signature();
    }

    /** True for a URI of a file system other than the local one ({@code hdfs://...}). */
    static boolean isRemote(String path) {
        return path.matches("[A-Za-z][A-Za-z0-9+.-]+://.*") && !path.startsWith("file:");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The version folder a file sits in ({@code DIR/<model>/<version>/model.onnx}), else 1. */
    private static long version(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        String v = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
        return v.matches("\\d{1,18}") ? Long.parseLong(v) : 1;
    }

    /** {@code DIR/<model>/<version>/model.onnx} is named after the model folder, else the file. */
    private static String modelName(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        String base;
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().matches("\\d+")
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            base = parent.getParent().getFileName().toString();
        } else {
            base = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        }
        String name = base.replaceAll("[^A-Za-z0-9_.-]", "_");
        return name.isEmpty() ? "model" : name;
    }
}
