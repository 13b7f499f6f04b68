package io.batchwise.spark;

import io.batchwise.model.Device;
import io.batchwise.model.ModelConfig;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;

/**
 * Where an executor finds a model's ONNX file and how it opens it. Serialised into every task,
 * so it holds plain values only.
 *
 * @param name           the model's name (for messages and the ONNX Runtime session)
 * @param path           the ONNX file as the driver saw it: a local path (possibly on shared
 *                       storage) or a URI
 * @param shippedName    the file's name among the job's {@code SparkFiles} when the driver
 *                       shipped it with the job; null when every executor reads {@code path}
 * @param intraOpThreads threads of each ONNX Runtime session
 * @param device         {@code cpu} or {@code cuda:N}
 */
record ModelFile(String name, String path, String shippedName, int intraOpThreads, String device)
        implements Serializable {
    ModelFile {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1 (got " + intraOpThreads + ")");
        }
        Device.parse(device);
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
}
