package io.batchwise.plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Profiles by model name, read from {@code DIR/<model>.json} once each. */
public final class ProfileDirectory {
    private final Path dir;
    private final Map<String, Profile> cache = new HashMap<>();

    public ProfileDirectory(Path dir) {
        this.dir = dir;
    }

    /** The profile of a workload's model; an error at the workload's {@code model} line when missing. */
    public Profile forWorkload(Workload w) {
        Profile cached = cache.get(w.model());
        if (cached != null) {
            return cached;
        }
        Path file = dir.resolve(w.model() + ".json");
        if (!Files.isRegularFile(file)) {
            throw w.origin().error("model", "no profile for model '" + w.model() + "': " + file
                    + " does not exist (make one with: batchwise profile --model " + w.model() + " --out " + file + ")");
        }
        Profile p = ProfileJson.read(file, w.model());
        cache.put(w.model(), p);
        return p;
    }
}
