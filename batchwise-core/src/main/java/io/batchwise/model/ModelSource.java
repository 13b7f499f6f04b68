package io.batchwise.model;

import java.nio.file.Path;
import java.util.List;

/**
 * A model folder of a repository: its served (highest) version, the ONNX file, and either a
 * validated config or the reason it has none.
 *
 * @param configError why the config (or folder) is unusable; null when the model can load
 */
public record ModelSource(String name, Path dir, long version, List<Long> versions, Path onnxFile,
                          ModelConfig config, String configError) {
    public ModelSource {
        versions = List.copyOf(versions);
    }

    /** True when the folder is complete and its config valid. */
    public boolean loadable() {
        return configError == null;
    }
}
