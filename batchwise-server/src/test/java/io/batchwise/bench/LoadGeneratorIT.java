package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.InferenceService;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The open-loop generator against a real server: counts, warm-up exclusion, no hang on failures. */
class LoadGeneratorIT {
    @TempDir
    Path dir;

    @Test
    void run_againstTiny_countsEveryMeasuredRequestOnce() throws Exception {
        DemoModels.writeTiny(dir.resolve("models"));
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(dir.resolve("models"),
                dir.resolve("data")));
             LoadGenerator gen = new LoadGenerator("http://127.0.0.1:" + server.port())) {
            LoadResult r = gen.run(new LoadGenerator.Load("tiny", 200, Duration.ofSeconds(2), Duration.ofSeconds(10),
                    3, null, 1));

            // Poisson with mean 400 over the measured 2 s; the 0.4 s warm-up's ~80 are not counted.
            assertTrue(r.sent() > 300 && r.sent() < 500, "sent " + r.sent());
            assertEquals(r.sent(), r.succeeded() + r.shed() + r.failed());
            assertEquals(0, r.failed());
            assertTrue(r.p50Ms() > 0 && r.p50Ms() <= r.p99Ms() && r.p99Ms() <= r.p999Ms(), r.toString());
            assertTrue(r.meanRowsPerRun() >= 3, "rows per run " + r.meanRowsPerRun());
            // Read from batchwise_run_seconds: a run of the tiny model takes well under a second.
            assertTrue(r.meanRunMs() > 0 && r.meanRunMs() < 1000, "mean run " + r.meanRunMs() + " ms");
        }
    }

    @Test
    void inProcess_againstTiny_sendsTheSameLoadStraightToTheScheduler() throws Exception {
        DemoModels.writeTiny(dir.resolve("models"));
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(dir.resolve("models"),
                dir.resolve("data")));
             CountingService counting = new CountingService(server.scheduler());
             LoadGenerator gen = LoadGenerator.inProcess("http://127.0.0.1:" + server.port(), counting)) {
            LoadResult r = gen.run(new LoadGenerator.Load("tiny", 200, Duration.ofSeconds(2), Duration.ofSeconds(10),
                    3, null, 1));

            assertTrue(r.sent() > 300 && r.sent() < 500, "sent " + r.sent());
            assertEquals(r.sent(), r.succeeded());
            // Every request, the uncounted warm-up's too, went to the scheduler directly.
            assertTrue(counting.calls.get() >= r.sent(), counting.calls.get() + " direct calls for " + r.sent());
            assertTrue(r.meanRowsPerRun() >= 3, "rows per run " + r.meanRowsPerRun());
            assertTrue(r.p50Ms() > 0 && r.p50Ms() <= r.p99Ms(), r.toString());
        }
    }

    @Test
    void inProcess_budgetTooShortForAnyRun_isCountedAsShedNotSucceeded() throws Exception {
        DemoModels.writeTiny(dir.resolve("models"));
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(dir.resolve("models"),
                dir.resolve("data")));
             LoadGenerator gen = LoadGenerator.inProcess("http://127.0.0.1:" + server.port(), server.scheduler())) {
            LoadResult r = gen.run(new LoadGenerator.Load("tiny", 100, Duration.ofSeconds(1), Duration.ofNanos(1000),
                    1, null, 1));

            assertTrue(r.sent() > 0);
            assertEquals(0, r.succeeded(), r.toString());
            assertEquals(r.sent(), r.shed() + r.failed(), r.toString());
        }
    }

    @Test
    void run_unknownModel_failsFastWithClearError() throws Exception {
        DemoModels.writeTiny(dir.resolve("models"));
        try (BatchwiseServer server = BatchwiseServer.start(ServerSettings.forTests(dir.resolve("models"),
                dir.resolve("data")));
             LoadGenerator gen = new LoadGenerator("http://127.0.0.1:" + server.port())) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> gen.run(
                    new LoadGenerator.Load("nope", 50, Duration.ofSeconds(1), null, 1, null, 1)));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }
    }

    @Test
    void run_whenNothingListens_throwsInsteadOfHanging() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (LoadGenerator gen = new LoadGenerator("http://127.0.0.1:" + port)) {
            long start = System.nanoTime();
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> gen.run(
                    new LoadGenerator.Load("tiny", 50, Duration.ofSeconds(1), null, 1, null, 1)));
            assertTrue(System.nanoTime() - start < 20_000_000_000L);
        }
    }

    /** The scheduler, counting the requests handed to it. */
    private static final class CountingService implements InferenceService {
        final AtomicInteger calls = new AtomicInteger();
        private final InferenceService inner;

        CountingService(InferenceService inner) {
            this.inner = inner;
        }

        @Override
        public CompletableFuture<InferenceResponse> infer(String model, String version, InferenceRequest request) {
            calls.incrementAndGet();
            return inner.infer(model, version, request);
        }

        @Override
        public void close() {
            // the server closes its scheduler
        }
    }
}
