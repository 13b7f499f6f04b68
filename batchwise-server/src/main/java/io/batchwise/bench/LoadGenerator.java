package io.batchwise.bench;

import io.batchwise.http.BinaryOutputs;
import io.batchwise.http.EncodedBody;
import io.batchwise.http.ErrorMapper;
import io.batchwise.http.InferCodec;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceService;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator for a KServe v2 endpoint: Poisson arrivals at a fixed rate, each
 * request sent at its scheduled time whether or not earlier ones have answered, latency measured
 * from that scheduled time (so queueing in a slow server is counted, not hidden), recorded in an
 * HdrHistogram. Bodies use the binary tensor extension so the client spends little CPU.
 *
 * <p>Each run starts with a warm-up at the same rate (a fifth of the duration, at most 2 s) whose
 * requests are sent but not counted: it opens the connections the rate needs and lets both JITs
 * compile the path, which would otherwise put the first second's stalls into the tail.
 */
public final class LoadGenerator implements AutoCloseable {
    /** Most connections open at once: enough for every request in flight at the rates a 2-core box takes. */
    private static final int CONNECTIONS = 256;
    /** How long a run waits for its last answers before counting the rest as failed. */
    private static final long REPLY_TIMEOUT_S = 60;

    /** For the few metadata and metrics calls around a run. */
    private final HttpClient client;
    /**
     * Sends the load: one Vert.x event loop (non-blocking, keep-alive pool), so the generator costs
     * the machine under test far less CPU per request than a thread-per-call client would.
     */
    private final Vertx vertx;
    private final HttpClientAgent http;
    private final Context context;
    private final String url;
    /** Where inference requests go instead of HTTP, or null: see {@link #inProcess}. */
    private final InferenceService direct;

    public LoadGenerator(String url) {
        this(url, null);
    }

    /**
     * A generator that sends its inference requests straight to {@code service}, the scheduler of
     * the server at {@code url} in this process, rather than over HTTP: the same arrivals, budgets
     * and tensors, with no HTTP encoding, parsing or sockets on either side. Metadata and
     * metrics still come from {@code url}. It shows how much of a limit is the HTTP path's.
     */
    public static LoadGenerator inProcess(String url, InferenceService service) {
        return new LoadGenerator(url, service);
    }

    private LoadGenerator(String url, InferenceService direct) {
        this.direct = direct;
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI u = URI.create(this.url);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(u.getHost())
                        .setDefaultPort(u.getPort() > 0 ? u.getPort() : 80).setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(CONNECTIONS));
        this.context = vertx.getOrCreateContext();
    }

    /**
     * Options of one run.
     *
     * @param rate          average requests per second
     * @param peakToAverage 1 for steady Poisson traffic; above 1, bursts: a square wave with a
     *                      one-second period whose peak is this multiple of the average and whose
     *                      trough is half the average (the same average overall)
     */
    public record Load(String model, double rate, Duration duration, Duration budget, int rowsPerRequest,
                       String priority, long seed, double peakToAverage) {
        public Load(String model, double rate, Duration duration, Duration budget, int rowsPerRequest, String priority,
                    long seed) {
            this(model, rate, duration, budget, rowsPerRequest, priority, seed, 1);
        }

        /** Requests per second at {@code t} seconds into the run. */
        double rateAt(double t) {
            if (peakToAverage <= 1) {
                return rate;
            }
            double peak = rate * peakToAverage;
            double low = rate / 2;
            double burstShare = (rate - low) / (peak - low);
            return (t % 1.0) < burstShare ? peak : low;
        }

        double peakRate() {
            return Math.max(rate, rate * peakToAverage);
        }
    }

    /** Runs one open-loop load and returns its measurements. */
    public LoadResult run(Load load) throws Exception {
        return run(load, () -> false);
    }

    /**
     * Runs one open-loop load until its duration is over or {@code stop} says so (checked before
     * each send); rates in the result are over the time it really ran.
     */
    public LoadResult run(Load load, java.util.function.BooleanSupplier stop) throws Exception {
        List<InferenceRequest> requests = requests(load);
        List<EncodedBody> bodies = direct != null ? List.of() : encode(requests);
        MetricsScrape.Runs before = MetricsScrape.runs(client, url, load.model());
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong shed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<CompletableFuture<?>> inflight = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(load.seed());
        long start = System.nanoTime();
        long measureFrom = start + warmUp(load.duration()).toNanos();
        long end = measureFrom + load.duration().toNanos();
        double next = start;
        long sent = 0;
        long issued = 0;
        long maxLag = 0;
        String path = URI.create(url).getPath() + "/v2/models/" + load.model() + "/infer";
        while (true) {
            // Inhomogeneous Poisson arrivals by thinning: candidates at the peak rate, each kept
            // with probability rate(t) / peak.
            next += -Math.log(1 - random.nextDouble()) / load.peakRate() * 1e9;
            long intended = (long) next;
            if (intended >= end || stop.getAsBoolean()) {
                break;
            }
            if (random.nextDouble() * load.peakRate() > load.rateAt((intended - start) / 1e9)) {
                continue;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (intended >= measureFrom) {
                maxLag = Math.max(maxLag, -wait);
            }
            boolean measured = intended >= measureFrom;
            int which = (int) (issued++ % requests.size());
            if (measured) {
                sent++;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            inflight.add(done);
            IntConsumer answered = status -> {
                long latency = System.nanoTime() - intended;
                if (!measured) {
                    // warm-up: not counted
                } else if (status == 200) {
                    ok.incrementAndGet();
                    recorder.recordValue(Math.max(1, latency / 1000));
                } else if (status == 429 || status == 503) {
                    shed.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                done.complete(null);
            };
            if (direct != null) {
                try {
                    direct.infer(load.model(), null, requests.get(which)).whenComplete((res, err) ->
                            answered.accept(err == null ? 200 : ErrorMapper.map(err).status()));
                } catch (RuntimeException e) {
                    answered.accept(ErrorMapper.map(e).status()); // refused before queueing, as HTTP would answer it
                }
                continue;
            }
            EncodedBody body = bodies.get(which);
            RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                    .setIdleTimeout(REPLY_TIMEOUT_S * 1000).putHeader("Content-Type", body.contentType());
            if (body.headerLength() != null) {
                req.putHeader(EncodedBody.HEADER_LENGTH, body.headerLength().toString());
            }
            // Everything of one call on the client's event loop: a response whose end arrives on
            // the loop before a body handler set from another thread would never complete.
            context.runOnContext(v -> http.request(req)
                    .compose(r -> r.send(Buffer.buffer(body.body())))
                    .compose(res -> res.body().map(ignored -> res.statusCode()))
                    .onComplete((status, err) -> answered.accept(err == null ? status : -1)));
        }
        try {
            CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).get(REPLY_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // Unanswered after the timeout: counted as failed, not waited on.
            failed.addAndGet(inflight.stream().filter(f -> !f.isDone()).count());
        } catch (java.util.concurrent.ExecutionException e) {
            // each call's failure is counted by its completion handler
        }
        double seconds = Math.min(load.duration().toNanos(), Math.max(1, next - measureFrom)) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        MetricsScrape.Runs after = MetricsScrape.runs(client, url, load.model());
        double rowsPerRun = after.rows().meanSince(before.rows());
        double runMs = 1e3 * after.seconds().meanSince(before.seconds());
        return new LoadResult(load.model(), load.rate(), seconds, sent, ok.get(), shed.get(), failed.get(),
                ok.get() / seconds, ms(h, 50), ms(h, 99), ms(h, 99.9), rowsPerRun, runMs,
                maxLag / 1e6);
    }

    /** The uncounted lead-in of a run of {@code duration}. */
    static Duration warmUp(Duration duration) {
        return Duration.ofMillis(Math.min(2000, duration.toMillis() / 5));
    }

    /** Stops the client's threads; the generator cannot run again afterwards. */
    @Override
    public void close() {
        http.close();
        vertx.close();
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The binary-extension bodies of {@code requests}, which is how they go over HTTP. */
    private static List<EncodedBody> encode(List<InferenceRequest> requests) {
        InferCodec codec = new InferCodec();
        List<EncodedBody> out = new ArrayList<>();
        for (InferenceRequest r : requests) {
            out.add(codec.encodeBinaryRequest(r, BinaryOutputs.all()));
        }
        return out;
    }

    /** Sixteen requests of random rows, shaped by the model's metadata, that the run sends in turn. */
    private List<InferenceRequest> requests(Load load) throws Exception {
        Map<String, Object> meta = MetricsScrape.metadata(client, url, load.model());
        SplittableRandom random = new SplittableRandom(load.seed());
        List<InferenceRequest> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            List<Tensor> inputs = new ArrayList<>();
            for (Object o : (List<?>) meta.get("inputs")) {
                Map<?, ?> in = (Map<?, ?>) o;
                inputs.add(random(in, load.rowsPerRequest(), random));
            }
            Map<String, Object> params = new java.util.HashMap<>();
            if (load.budget() != null) {
                params.put("timeout", load.budget().toNanos() / 1000);
            }
            if (load.priority() != null) {
                params.put("priority", load.priority());
            }
            out.add(new InferenceRequest("bench-" + i, inputs, List.of(), params));
        }
        return out;
    }

    private static Tensor random(Map<?, ?> spec, int rows, SplittableRandom random) {
        DataType type = DataType.parse(spec.get("datatype").toString());
        List<?> dims = (List<?>) spec.get("shape");
        long[] shape = new long[dims.size()];
        for (int d = 0; d < shape.length; d++) {
            long v = ((Number) dims.get(d)).longValue();
            shape[d] = d == 0 ? rows : (v < 0 ? 1 : v);
        }
        int n = Math.toIntExact(Tensor.elementCount(shape));
        ByteBuffer b = ByteBuffer.allocate(n * Math.max(1, type.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FP32 -> b.putFloat((float) random.nextDouble(-1, 1));
                case FP64 -> b.putDouble(random.nextDouble(-1, 1));
                case INT64 -> b.putLong(random.nextInt(1, 8192));
                case INT32 -> b.putInt(random.nextInt(0, 100));
                default -> b.put((byte) random.nextInt(0, 2));
            }
        }
        b.flip();
        return Tensor.of(spec.get("name").toString(), type, shape, b);
    }
}
