package io.batchwise.grpc;

import io.batchwise.metrics.InferenceStatistics;
import io.batchwise.runtime.InferenceService;
import io.batchwise.runtime.ModelRegistry;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The gRPC front end: the Open Inference Protocol's {@code inference.GRPCInferenceService} on its
 * own port (8001 by default, as Triton), sharing the registry and scheduler with REST. It uses
 * grpc-java's shaded Netty transport, so its Netty never meets the one Vert.x brings.
 */
public final class GrpcFrontEnd implements AutoCloseable {
    private final Server server;
    private boolean closed;

    private GrpcFrontEnd(Server server) {
        this.server = server;
    }

    /**
     * Starts serving; returns once the port is bound.
     *
     * @param port            port to bind; 0 picks a free one
     * @param maxMessageBytes largest request message accepted (larger: RESOURCE_EXHAUSTED)
     * @param executor        threads that run handlers, decode requests and encode answers
     * @param ready           whether the server is ready (ServerReady)
     */
    public static GrpcFrontEnd start(String host, int port, long maxMessageBytes, ModelRegistry registry,
                                     InferenceService inference, InferenceStatistics statistics, Executor executor,
                                     BooleanSupplier ready) {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes))
                .executor(executor)
                .addService(new InferenceGrpcService(registry, inference, statistics, ready, executor))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for gRPC on " + host + ":" + port + ": " + e.getMessage()
                    + " (choose another port with --grpc-port, or -1 to turn gRPC off)", e);
        }
        return new GrpcFrontEnd(server);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getPort();
    }

    /** Stops accepting calls, lets running ones end for a moment, then cancels the rest; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
