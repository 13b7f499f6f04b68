package io.batchwise.cli;

import io.batchwise.http.HttpOptions;
import java.nio.file.Path;

/**
 * Everything {@link BatchwiseServer} needs to start.
 *
 * @param models  model repository; null to serve the demo models generated under {@code data}
 * @param data    state directory (demo models, job store, ...)
 * @param pricing price sheet file, or null for the built-in one
 */
public record ServerSettings(HttpOptions http, Path models, Path data, Path pricing) {
    /** Defaults for tests and in-process use: loopback, a free port, the given repository. */
    public static ServerSettings forTests(Path models, Path data) {
        return new ServerSettings(new HttpOptions("127.0.0.1", 0, HttpOptions.DEFAULT_MAX_BODY), models, data, null);
    }
}
