package io.batchwise.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.batchwise.model.Device;
import io.batchwise.model.ModelConfig;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;

/**
 * Where an executor finds a model's ONNX file and how it opens it. Serialised into every task,
 * so it holds plain values only.
 *
 * @param name           the model's name
 * @param version        its version (the repository's version folder)
 * @param path           the ONNX file as the driver saw it: a local path (possibly on shared
 *                       storage) or a URI
 * @param shippedName    the file's name among the job's {@code SparkFiles} when the driver
 *                       shipped it with the job; null when every executor reads {@code path}
 * @param intraOpThreads threads of each ONNX Runtime session
 * @param device         {@code cpu} or {@code cuda:N}
 * @param configYaml     the model's {@code config.yaml}, or null when it has none
 */
record ModelFile(String name, long version, String path, String shippedName, int intraOpThreads, String device,
                 String configYaml) implements Serializable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    ModelFile {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1 (got " + intraOpThreads + ")");
        }
        Device.parse(device);
    }

    static ModelFile of(ModelLocator.Found found, String shippedName, int intraOpThreads) {
        return new ModelFile(found.name(), found.version(), found.localFile().toString(), shippedName, intraOpThreads,
                found.config().device().toString(), found.configYaml());
    }

    /** The file on this JVM's machine: the shipped copy when there is one, else {@code path}. */
    Path localPath() {
        return shippedName != null ? Path.of(SparkFiles.get(shippedName)) : Path.of(path);
    }

    /** The session configuration an executor opens the model with. */
    ModelConfig config() {
        ModelConfig d = ModelConfig.defaults(name);
        return new ModelConfig(d.name(), d.maxBatchSize(), 1, intraOpThreads, Device.parse(device),
                d.latencyTarget(), d.batching(), d.queue(), d.pool(), d.tokenizer());
    }

    /**
     * The model's {@code config.yaml} as an executor uses it: one instance (the JVM's pool opens
     * more as tasks need them) of {@code intraOpThreads} threads, everything else as configured.
     */
    String executorConfigYaml() {
        try {
            ObjectNode config = configYaml == null || configYaml.isBlank() ? YAML.createObjectNode()
                    : (ObjectNode) YAML.readTree(configYaml);
            config.put("name", name).put("instances", 1).put("intra_op_threads", intraOpThreads).put("device", device);
            return YAML.writeValueAsString(config);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("model '" + name + "': config.yaml is not a YAML mapping", e);
        }
    }
}
