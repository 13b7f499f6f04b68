package io.batchwise.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: one Vert.x instance, the mounted route groups (each reads bodies its own
 * way, within the configured limit), and JSON errors for every failure, including the router's own (404 for unknown paths, 405).
 */
public final class HttpFrontEnd implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private boolean closed;

    private HttpFrontEnd(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts serving; returns once the port is bound. */
    public static HttpFrontEnd start(Vertx vertx, HttpOptions options, List<Routes> groups) {
        Router router = Router.router(vertx);
        for (Routes g : groups) {
            g.mount(router);
        }
        router.route().failureHandler(ctx -> {
            if (ctx.failure() != null) {
                ErrorMapper.send(ctx.response(), ctx.failure());
            } else {
                int code = ctx.statusCode();
                String message = switch (code) {
                    case 413 -> "request body larger than the limit of " + options.maxBodyBytes() + " bytes";
                    case 404 -> "no such endpoint: " + ctx.request().method() + " " + ctx.request().path();
                    case 405 -> "method " + ctx.request().method() + " not allowed on " + ctx.request().path();
                    default -> "request failed";
                };
                ErrorMapper.send(ctx.response(), code, message, null);
            }
        });
        router.route().last().handler(ctx -> ErrorMapper.send(ctx.response(), 404,
                "no such endpoint: " + ctx.request().method() + " " + ctx.request().path(), null));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(options.host()).setPort(options.port())
                        .setCompressionSupported(false).setTcpNoDelay(true))
                .requestHandler(router);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + ErrorMapper.unwrap(e).getMessage(), e);
        }
        return new HttpFrontEnd(vertx, server);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.actualPort();
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Stops accepting connections; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The port is released when Vert.x closes, which the owner does next.
        }
    }
}
