package io.batchwise.http;

import io.batchwise.model.InvalidConfig;

/**
 * HTTP front end settings.
 *
 * @param host         interface to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} to deploy)
 * @param port         port to bind (0 picks a free one)
 * @param maxBodyBytes largest request body accepted; larger bodies get 413
 */
public record HttpOptions(String host, int port, long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY = 64L << 20;

    public HttpOptions {
        if (host == null || host.isBlank()) {
            throw new InvalidConfig("host: must be an address (got " + host + ")");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidConfig("port: must be 0..65535 (got " + port + ")");
        }
        if (maxBodyBytes < 1024) {
            throw new InvalidConfig("max_body_size: must be at least 1024 bytes (got " + maxBodyBytes + ")");
        }
    }
}
