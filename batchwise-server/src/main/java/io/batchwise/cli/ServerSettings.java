package io.batchwise.cli;

import io.batchwise.http.HttpOptions;
import io.batchwise.model.InvalidConfig;
import java.nio.file.Path;

/**
 * Everything {@link BatchwiseServer} needs to start.
 *
 * @param models   model repository; null to serve the demo models generated under {@code data}
 * @param data     state directory (demo models, job store, ...)
 * @param pricing  price sheet file, or null for the built-in one
 * @param grpcPort port of the gRPC front end (0 picks a free one, negative turns it off)
 * @param apiKey   key that guards the model repository endpoints ({@code Authorization: Bearer
 *                 KEY}), or null for none
 */
public record ServerSettings(HttpOptions http, Path models, Path data, Path pricing, int grpcPort, String apiKey) {
    /** Triton's and KServe's gRPC port. */
    public static final int DEFAULT_GRPC_PORT = 8001;

    public ServerSettings {
        if (grpcPort > 65535) {
            throw new InvalidConfig("grpc_port: must be 0..65535, or negative for no gRPC (got " + grpcPort + ")");
        }
    }

    /** Settings without gRPC and without an API key. */
    public ServerSettings(HttpOptions http, Path models, Path data, Path pricing) {
        this(http, models, data, pricing, -1, null);
    }

    /** Defaults for tests and in-process use: loopback, a free port, the given repository, no gRPC. */
    public static ServerSettings forTests(Path models, Path data) {
        return new ServerSettings(new HttpOptions("127.0.0.1", 0, HttpOptions.DEFAULT_MAX_BODY), models, data, null);
    }

    /** The same settings with gRPC on {@code port} (0: a free one; negative: off). */
    public ServerSettings withGrpcPort(int port) {
        return new ServerSettings(http, models, data, pricing, port, apiKey);
    }

    /** The same settings with an API key on the repository endpoints. */
    public ServerSettings withApiKey(String key) {
        return new ServerSettings(http, models, data, pricing, grpcPort, key);
    }
}
