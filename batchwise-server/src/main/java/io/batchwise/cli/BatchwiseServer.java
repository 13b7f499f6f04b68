package io.batchwise.cli;

import io.batchwise.grpc.GrpcFrontEnd;
import io.batchwise.http.ApiKeyCheck;
import io.batchwise.http.HttpFrontEnd;
import io.batchwise.http.KServeRoutes;
import io.batchwise.http.Routes;
import io.batchwise.jobs.EmbeddingsEndpoint;
import io.batchwise.jobs.FileStore;
import io.batchwise.jobs.JobCostSource;
import io.batchwise.jobs.JobEngine;
import io.batchwise.jobs.JobStore;
import io.batchwise.openai.KServeLines;
import io.batchwise.openai.OpenAiOptions;
import io.batchwise.openai.OpenAiRoutes;
import io.batchwise.text.Embeddings;
import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.http.AsyncResults;
import io.batchwise.http.MetricsRoutes;
import io.batchwise.http.RepositoryRoutes;
import io.batchwise.http.StatisticsRoutes;
import io.batchwise.metrics.InferenceStatistics;
import io.batchwise.metrics.CompositeListener;
import io.batchwise.metrics.SchedulerMetrics;
import io.batchwise.schedule.Scheduler;
import io.batchwise.schedule.SchedulerListener;
import io.batchwise.schedule.Ticker;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.ModelState;
import io.batchwise.runtime.OnnxRuntime;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
    private final GrpcFrontEnd grpc;
    private final ModelRegistry registry;
    private final Scheduler scheduler;
    private final SchedulerMetrics metrics;
    private final JobEngine jobs;
    private boolean closed;

    private BatchwiseServer(List<AutoCloseable> owned, HttpFrontEnd http, GrpcFrontEnd grpc, ModelRegistry registry,
                            Scheduler scheduler, SchedulerMetrics metrics, JobEngine jobs) {
        this.owned = owned;
        this.jobs = jobs;
        this.http = http;
        this.grpc = grpc;
        this.registry = registry;
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** Builds and starts the server with the default OpenAI API and job settings; returns once it listens. */
    public static BatchwiseServer start(ServerSettings settings) {
        return start(settings, OpenAiOptions.defaults());
    }

    /**
     * Builds and starts the server; returns once it listens. The settings' API key also guards
     * {@code /v1} unless {@code openai} names its own.
     */
    public static BatchwiseServer start(ServerSettings settings, OpenAiOptions openai) {
        OpenAiOptions v1 = openai.apiKey() == null ? openai.withApiKey(settings.apiKey()) : openai;
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Path models = settings.models() != null ? settings.models() : demoModels(settings.data());
            OnnxRuntime runtime = OnnxRuntime.create();
            ModelRegistry registry = new ModelRegistry(new ModelRepository(models), runtime);
            owned.add(registry);
            AtomicBoolean started = new AtomicBoolean();
            int cores = Runtime.getRuntime().availableProcessors();
            Ticker ticker = Ticker.systemTicker();
            SchedulerMetrics metrics = new SchedulerMetrics();
            InferenceStatistics statistics = new InferenceStatistics(Clock.systemUTC());
            List<SchedulerListener> listeners = List.of(metrics, statistics);
            ExecutorService decoders = Executors.newFixedThreadPool(Math.max(2, cores), daemon("batchwise-decode"));
            owned.add(decoders::shutdownNow);
            registry.loadAll();
            Scheduler scheduler = new Scheduler(registry, ticker, new CompositeListener(listeners), true);
            owned.add(scheduler);
            scheduler.prepareAll();
            started.set(true);
            // Batch jobs: closed before the scheduler (reverse order), so a shutdown checkpoints first.
            JobStore store = JobStore.open(settings.data().resolve("jobs"));
            owned.add(store);
            FileStore files = new FileStore(store, Clock.systemUTC());
            Embeddings embeddings = new Embeddings(registry);
            JobEngine jobs = new JobEngine(store, files, scheduler::submit,
                    List.of(new KServeLines(registry), new EmbeddingsEndpoint(embeddings)), OpenAiRoutes.rowFailures(),
                    Clock.systemUTC(), ticker, v1.jobs());
            owned.add(jobs);
            AsyncResults async = new AsyncResults(ticker, TimeUnit.MINUTES.toNanos(10), 10_000, 256L << 20);
            Vertx vertx = Vertx.vertx();
            owned.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            List<Routes> routes = List.of(
                    new StatisticsRoutes(registry, statistics),
                    new RepositoryRoutes(registry, scheduler::prepareAll, new ApiKeyCheck(settings.apiKey()),
                            settings.http().maxBodyBytes()),
                    new KServeRoutes(registry, scheduler, decoders, started::get, async,
                            settings.http().maxBodyBytes()),
                    new MetricsRoutes(List.of(metrics)),
                    new OpenAiRoutes(files, jobs, embeddings, scheduler, decoders, v1, JobCostSource.none(),
                            settings.http().maxBodyBytes()));
            HttpFrontEnd http = HttpFrontEnd.start(vertx, settings.http(), routes);
            owned.add(http);
            GrpcFrontEnd grpc = null;
            if (settings.grpcPort() >= 0) {
                grpc = GrpcFrontEnd.start(settings.http().host(), settings.grpcPort(), settings.http().maxBodyBytes(),
                        registry, scheduler, statistics, decoders, () -> started.get()
                                && registry.all().stream().noneMatch(m -> m.state() == ModelState.LOADING));
                owned.add(grpc);
                int grpcPort = grpc.port();
                LOG.info(() -> "batchwise gRPC on " + settings.http().host() + ":" + grpcPort);
            }
            jobs.start();
            LOG.info(() -> "batchwise listening on http://" + settings.http().host() + ":" + http.port()
                    + " serving " + models);
            return new BatchwiseServer(owned, http, grpc, registry, scheduler, metrics, jobs);
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

    /** The bound gRPC port, or -1 when gRPC is off. */
    public int grpcPort() {
        return grpc == null ? -1 : grpc.port();
    }

    public ModelRegistry registry() {
        return registry;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public SchedulerMetrics metrics() {
        return metrics;
    }

    /** The batch job engine behind {@code /v1/batches}. */
    public JobEngine jobs() {
        return jobs;
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
