package io.batchwise.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.batchwise.model.ModelRepository;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.ModelNotFound;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.tensor.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unloading a model with the threaded {@link Scheduler} over real ONNX Runtime sessions. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulerUnloadTest {
    /** Full batches of 16 rows run at once; anything smaller waits for the 10 s window. */
    private static final String CONFIG = """
            max_batch_size: 16
            instances: 1
            intra_op_threads: 1
            bulk_instances: 0            # bulk rows queue behind the gated live instance
            latency_target: 50ms
            batching:
              policy: window
              max_queue_delay: 10s
            queue:
              timeout_action: delay
            """;

    @TempDir
    Path repo;

    /**
     * The system clock, except that the first reading on the model's instance thread (the start
     * of its first run) blocks until released: the test holds a run in flight.
     */
    private static final class GatedTicker implements Ticker {
        final CountDownLatch runStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean gated = new AtomicBoolean();
        private final String instanceThread;

        GatedTicker(String model) {
            this.instanceThread = "batchwise-" + model + "-0";
        }

        @Override
        public long read() {
            if (Thread.currentThread().getName().equals(instanceThread) && gated.compareAndSet(false, true)) {
                runStarted.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return System.nanoTime();
        }
    }

    private static Submission live(List<Tensor> inputs, String id) {
        return new Submission(new InferenceRequest(id, inputs, List.of(), Map.of()), null, Duration.ofSeconds(60),
                null, null);
    }

    @Test
    void unload_withQueuedAndRunningRequests_failsQueuedWithModelNotReadyAndCompletesRunning() throws Exception {
        RealModels.write(repo, "u", CONFIG);
        ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create());
        ModelRegistry reference = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create());
        registry.loadAll();
        reference.loadAll();
        GatedTicker ticker = new GatedTicker("u");
        Random random = new Random(3);
        try (Scheduler scheduler = new Scheduler(registry, ticker, new SchedulerListener() { }, false)) {
            List<Tensor> full = RealModels.input(random, 16);
            CompletableFuture<InferenceResponse> running = scheduler.submit("u", null, live(full, "running"));
            assertTrue(ticker.runStarted.await(10, TimeUnit.SECONDS), "the full batch started");
            List<CompletableFuture<InferenceResponse>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                queued.add(scheduler.submit("u", null, live(RealModels.input(random, 3), "queued-" + i)));
            }
            queued.add(scheduler.submit("u", null, Submission.bulk(new InferenceRequest("bulk",
                    RealModels.input(random, 4), List.of(), Map.of()), "job")));

            Thread unload = new Thread(() -> registry.unload("u"));
            unload.start();
            for (CompletableFuture<InferenceResponse> f : queued) {
                Throwable e = f.handle((r, t) -> t).get(10, TimeUnit.SECONDS);
                assertInstanceOf(ModelNotReady.class, e);
            }
            assertFalse(running.isDone(), "the run in flight is not failed");
            ticker.release.countDown();
            unload.join(10_000);

            assertFalse(unload.isAlive());
            Tensor expected = reference.ready("u", null).instances().get(0).runBatch(List.of(full), Set.of()).get(0)
                    .get(0);
            Tensor actual = running.get(10, TimeUnit.SECONDS).outputs().get(0);
            assertArrayEquals(expected.toDoubles(), actual.toDoubles(), 1e-5);
            Throwable after = scheduler.submit("u", null, live(full, "after")).handle((r, t) -> t).join();
            assertInstanceOf(ModelNotFound.class, after);
        } finally {
            ticker.release.countDown();
            registry.close();
            reference.close();
        }
    }

    @Test
    void bulk_whileTheLiveInstanceIsBusy_runsOnTheBulkLaneAndIsChargedToTheLiveInstance() throws Exception {
        RealModels.write(repo, "w", CONFIG.replace("bulk_instances: 0", "bulk_instances: 1"));
        ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create());
        ModelRegistry reference = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create());
        registry.loadAll();
        reference.loadAll();
        GatedTicker ticker = new GatedTicker("w");
        List<RunRecord> runs = Collections.synchronizedList(new ArrayList<>());
        Random random = new Random(4);
        try (Scheduler scheduler = new Scheduler(registry, ticker, new SchedulerListener() {
            @Override
            public void onRun(RunRecord run) {
                runs.add(run);
            }
        }, false)) {
            CompletableFuture<InferenceResponse> running = scheduler.submit("w", null,
                    live(RealModels.input(random, 16), "running"));
            assertTrue(ticker.runStarted.await(10, TimeUnit.SECONDS), "the live run started");
            List<Tensor> rows = RealModels.input(random, 4);

            CompletableFuture<InferenceResponse> submitted = scheduler.submit("w", null,
                    Submission.bulk(new InferenceRequest("bulk", rows, List.of(), Map.of()), "job"));
            Throwable late = submitted.handle((r, t) -> t).completeOnTimeout(new AssertionError("not done"), 10,
                    TimeUnit.SECONDS).join();
            boolean liveHeld = !running.isDone();
            ticker.release.countDown(); // before the scheduler closes: it waits for the run in flight

            assertNull(late);
            InferenceResponse bulk = submitted.join();
            assertTrue(liveHeld, "the live instance was still held");
            Tensor expected = reference.ready("w", null).instances().get(0).runBatch(List.of(rows), Set.of()).get(0)
                    .get(0);
            assertArrayEquals(expected.toDoubles(), bulk.outputs().get(0).toDoubles(), 1e-5);
            RunRecord run = runs.get(0);
            assertEquals("bulk", run.reason());
            assertEquals(0, run.instance(), "charged to the live instance whose cores it used");
            assertEquals(4, run.rows());
        } finally {
            ticker.release.countDown();
            registry.close();
            reference.close();
        }
    }

    @Test
    void unload_whileClientsKeepSubmitting_completesEveryFutureAndStopsTheModelsThreads() throws Exception {
        RealModels.write(repo, "v", CONFIG.replace("max_queue_delay: 10s", "max_queue_delay: 1ms"));
        ModelRegistry registry = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create());
        registry.loadAll();
        List<CompletableFuture<InferenceResponse>> futures = Collections.synchronizedList(new ArrayList<>());
        try (Scheduler scheduler = new Scheduler(registry, Ticker.systemTicker(), new SchedulerListener() { }, true)) {
            scheduler.prepareAll();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch submitted = new CountDownLatch(200);
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(t);
                Thread c = new Thread(() -> {
                    while (!stop.get()) {
                        futures.add(scheduler.submit("v", null,
                                live(RealModels.input(random, 1 + random.nextInt(20)), "c")));
                        submitted.countDown();
                    }
                });
                clients.add(c);
                c.start();
            }
            assertTrue(submitted.await(10, TimeUnit.SECONDS));
            registry.unload("v");
            stop.set(true);
            for (Thread c : clients) {
                c.join(10_000);
            }
        } finally {
            registry.close();
        }
        for (CompletableFuture<InferenceResponse> f : futures) {
            Throwable e = f.handle((r, t) -> t).get(10, TimeUnit.SECONDS);
            if (e != null && !(e instanceof ModelNotReady) && !(e instanceof ModelNotFound)
                    && !(e instanceof Overloaded)) {
                fail("untyped error around unload", e);
            }
        }
        assertEquals(List.of(), threadsLeft(Set.of("batchwise-dispatch-v", "batchwise-v-0")));
    }

    /** Names of live threads among {@code names}, after giving stopped ones a few seconds to end. */
    private static List<String> threadsLeft(Set<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            List<String> left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(names::contains).toList();
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            Thread.sleep(10);
        }
    }
}
