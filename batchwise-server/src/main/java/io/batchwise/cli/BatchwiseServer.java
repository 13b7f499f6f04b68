package io.batchwise.cli;

import io.batchwise.http.HttpFrontEnd;
import io.batchwise.http.KServeRoutes;
import io.batchwise.http.Routes;
import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.DirectInference;
import io.batchwise.runtime.InferenceService;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The running server and the one place its object graph is wired: runtime, registry,
 * inference, front ends. Closing it releases everything in reverse order.
 */
public final class BatchwiseServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchwiseServer.class.getName());

    private final List<AutoCloseable> owned;
    private final HttpFrontEnd http;
    private final ModelRegistry registry;
    private boolean closed;

    private BatchwiseServer(List<AutoCloseable> owned, HttpFrontEnd http, ModelRegistry registry) {
        this.owned = owned;
        this.http = http;
        this.registry = registry;
    }

    /** Builds and starts the server; returns once it listens. */
    public static BatchwiseServer start(ServerSettings settings) {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Path models = settings.models() != null ? settings.models() : demoModels(settings.data());
            OnnxRuntime runtime = OnnxRuntime.create();
            ModelRegistry registry = new ModelRegistry(new ModelRepository(models), runtime);
            owned.add(registry);
            AtomicBoolean started = new AtomicBoolean();
            int cores = Runtime.getRuntime().availableProcessors();
            InferenceService inference = new DirectInference(registry, Math.max(2, cores));
            owned.add(inference);
            ExecutorService decoders = Executors.newFixedThreadPool(Math.max(2, cores), daemon("batchwise-decode"));
            owned.add(decoders::shutdownNow);
            registry.loadAll();
            started.set(true);
            Vertx vertx = Vertx.vertx();
            owned.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            List<Routes> routes = List.of(new KServeRoutes(registry, inference, decoders, started::get));
            HttpFrontEnd http = HttpFrontEnd.start(vertx, settings.http(), routes);
            owned.add(http);
            LOG.info(() -> "batchwise listening on http://" + settings.http().host() + ":" + http.port()
                    + " serving " + models);
            return new BatchwiseServer(owned, http, registry);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    private static Path demoModels(Path data) {
        Path dir = data.resolve("models");
        try {
            if (!Files.isDirectory(dir) || isEmpty(dir)) {
                LOG.info(() -> "generating demo models into " + dir);
                Files.createDirectories(dir);
                DemoModels.write(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write demo models to " + dir, e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public int port() {
        return http.port();
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** Stops serving and releases every resource, newest first; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> owned) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                LOG.warning("close failed: " + e);
            }
        }
    }
}
