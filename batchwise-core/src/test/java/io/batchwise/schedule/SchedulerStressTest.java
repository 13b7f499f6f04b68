package io.batchwise.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.batchwise.model.ModelRepository;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many threads submit requests with random row counts, classes and budgets (some far too tight)
 * to the threaded {@link Scheduler} over real ONNX Runtime sessions. Every future must complete
 * exactly once, with outputs equal to a direct run of the same rows or with a typed error, and
 * the listener's books must balance. Runs {@code batchwise.stress.seconds} (default 0.7) per
 * policy: {@code mvn test -Dtest=SchedulerStressTest -Dbatchwise.stress.seconds=60} for a long run.
 */
class SchedulerStressTest {
    private static final double SECONDS = Double.parseDouble(System.getProperty("batchwise.stress.seconds", "0.7"));
    private static final int THREADS = 6;
    private static final int OUTSTANDING_PER_THREAD = 12;
    private static final String CONFIG = """
            max_batch_size: 32
            instances: 2
            intra_op_threads: 1
            latency_target: 50ms
            batching:
              policy: %s
              max_queue_delay: 2ms
              preferred_batch_sizes: [16]
            queue:
              max_rows: 300
              timeout_action: reject
            """;

    @TempDir
    static Path repo;
    private static ModelRegistry registry;
    private static ModelRegistry reference;

    @BeforeAll
    static void load() throws IOException {
        for (String policy : List.of("none", "window", "slo")) {
            RealModels.write(repo, policy, CONFIG.formatted(policy));
        }
        registry = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create());
        registry.loadAll();
        reference = new ModelRegistry(new ModelRepository(repo), OnnxRuntime.create());
        reference.loadAll();
    }

    @AfterAll
    static void close() {
        registry.close();
        reference.close();
    }

    /**
     * @param counted completes after the completion counter has counted the future's completion:
     *                waiting on the future itself can return before the counter's callback has run
     *                on the completing thread (dependents run last-registered first)
     */
    private record Sent(InferenceRequest request, ServiceClass intended, CompletableFuture<InferenceResponse> future,
                        AtomicInteger completions, CompletableFuture<?> counted) {
    }

    /** Counts what the scheduler reported. */
    private static final class Books implements SchedulerListener {
        final Map<Outcome, LongAdder> requests = new EnumMap<>(Outcome.class);
        final Map<Outcome, LongAdder> requestRows = new EnumMap<>(Outcome.class);
        final Map<ServiceClass, LongAdder> runRows = new EnumMap<>(ServiceClass.class);
        final LongAdder runs = new LongAdder();
        final LongAdder inconsistentRuns = new LongAdder();

        Books() {
            for (Outcome o : Outcome.values()) {
                requests.put(o, new LongAdder());
                requestRows.put(o, new LongAdder());
            }
            for (ServiceClass c : ServiceClass.values()) {
                runRows.put(c, new LongAdder());
            }
        }

        @Override
        public void onRun(RunRecord run) {
            runs.increment();
            run.rowsByClass().forEach((c, n) -> runRows.get(c).add(n));
            if (run.rowsByClass().values().stream().mapToInt(Integer::intValue).sum() != run.rows()) {
                inconsistentRuns.increment();
            }
        }

        @Override
        public void onRequestDone(String model, ServiceClass serviceClass, Outcome outcome, int rows, long queueNanos,
                                  long computeNanos, long totalNanos, boolean met) {
            requests.get(outcome).increment();
            requestRows.get(outcome).add(rows);
        }
    }

    @ParameterizedTest(name = "policy {0}")
    @ValueSource(strings = {"none", "window", "slo"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void submit_manyThreadsRandomBudgets_everyFutureCompletesOnceWithItsOwnRowsOrATypedError(String model)
            throws Exception {
        Books books = new Books();
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        try (Scheduler scheduler = new Scheduler(registry, Ticker.systemTicker(), books, true)) {
            scheduler.prepareAll();
            long end = System.nanoTime() + (long) (SECONDS * 1e9);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 1000L * t + model.hashCode();
                clients.add(pool.submit(() -> client(scheduler, model, new Random(seed), end, sent)));
            }
            for (Future<?> c : clients) {
                c.get();
            }
            pool.shutdown();
            for (Sent s : sent) {
                s.counted.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
            }
        }
        check(model, sent, books);
    }

    private static Void client(Scheduler scheduler, String model, Random random, long end,
                               ConcurrentLinkedQueue<Sent> sent) throws Exception {
        Deque<CompletableFuture<InferenceResponse>> mine = new ArrayDeque<>();
        int n = 0;
        while (System.nanoTime() < end) {
            int rows = random.nextInt(10) == 0 ? 33 + random.nextInt(60) : 1 + random.nextInt(12);
            InferenceRequest request = new InferenceRequest(Thread.currentThread().getName() + "-" + n++,
                    RealModels.input(random, rows), List.of(), Map.of());
            double kind = random.nextDouble();
            Submission submission;
            ServiceClass intended;
            if (kind < 0.1) {
                submission = Submission.bulk(request, "job");
                intended = ServiceClass.BULK;
            } else if (kind < 0.2) {
                submission = new Submission(request, null, Duration.ofSeconds(2), null, null);
                intended = ServiceClass.DEFERRED;
            } else if (kind < 0.35) {
                long micros = 10 + random.nextInt(2000);
                submission = Submission.live(new InferenceRequest(request.id(), request.inputs(), List.of(),
                        Map.of("timeout", micros)));
                intended = ServiceClass.INTERACTIVE;
            } else {
                submission = new Submission(request, null, Duration.ofMillis(5 + random.nextInt(200)), null, null);
                intended = ServiceClass.INTERACTIVE;
            }
            AtomicInteger completions = new AtomicInteger();
            CompletableFuture<InferenceResponse> f = scheduler.submit(model, null, submission);
            CompletableFuture<?> counted = f.whenComplete((r, e) -> completions.incrementAndGet());
            sent.add(new Sent(request, intended, f, completions, counted));
            mine.add(f);
            if (mine.size() >= OUTSTANDING_PER_THREAD) {
                mine.poll().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
            }
        }
        return null;
    }

    private static void check(String model, ConcurrentLinkedQueue<Sent> sent, Books books) {
        LoadedModel direct = reference.ready(model, null);
        long successes = 0;
        long successRows = 0;
        long expired = 0;
        long expiredRows = 0;
        Map<ServiceClass, Long> successRowsByClass = new EnumMap<>(ServiceClass.class);
        for (Sent s : sent) {
            assertTrue(s.future.isDone(), s.request.id());
            assertEquals(1, s.completions.get(), s.request.id());
            long rows = s.request.inputs().get(0).rows();
            try {
                InferenceResponse res = s.future.join();
                List<Tensor> expected = direct.instances().get(0).runBatch(List.of(s.request.inputs()), Set.of()).get(0);
                assertEquals(s.request.id(), res.id());
                assertClose(s.request.id(), expected.get(0), res.outputs().get(0));
                successes++;
                successRows += rows;
                successRowsByClass.merge(s.intended, rows, Long::sum);
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof DeadlineExceeded && cause.getMessage().contains("expired")) {
                    expired++;
                    expiredRows += rows;
                } else if (!(cause instanceof Overloaded) && !(cause instanceof DeadlineExceeded)) {
                    fail(s.request.id() + " failed with an untyped error", cause);
                }
            }
        }
        String summary = model + ": " + sent.size() + " sent, " + successes + " succeeded, " + expired + " expired, "
                + books.runs.sum() + " runs";
        assertTrue(successes > 0, summary);
        assertEquals(0, books.inconsistentRuns.sum(), "runs whose rows by class do not add up");
        assertEquals(successes, books.requests.get(Outcome.SUCCESS).sum(), summary);
        assertEquals(successRows, books.requestRows.get(Outcome.SUCCESS).sum(), summary);
        assertEquals(expired, books.requests.get(Outcome.EXPIRED).sum(), summary);
        assertEquals(expiredRows, books.requestRows.get(Outcome.EXPIRED).sum(), summary);
        assertEquals(0, books.requests.get(Outcome.FAILED).sum(), summary);
        assertEquals(successRowsByClass.getOrDefault(ServiceClass.BULK, 0L), books.runRows.get(ServiceClass.BULK).sum(),
                "bulk rows run == bulk rows returned (bulk never expires)");
        long liveRun = books.runRows.get(ServiceClass.INTERACTIVE).sum() + books.runRows.get(ServiceClass.DEFERRED).sum();
        long liveOk = successRows - successRowsByClass.getOrDefault(ServiceClass.BULK, 0L);
        assertTrue(liveRun >= liveOk && liveRun <= liveOk + expiredRows,
                "live rows run " + liveRun + ", returned " + liveOk + ", expired " + expiredRows);
    }

    private static void assertClose(String id, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), id);
        double[] e = expected.toDoubles();
        double[] a = actual.toDoubles();
        for (int i = 0; i < e.length; i++) {
            if (Math.abs(e[i] - a[i]) > 1e-5 * Math.max(1, Math.abs(e[i]))) {
                fail(id + ": element " + i + " is " + a[i] + ", a direct run gives " + e[i]);
            }
        }
    }
}
