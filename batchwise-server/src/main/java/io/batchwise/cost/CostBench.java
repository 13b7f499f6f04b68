package io.batchwise.cost;

import io.batchwise.bench.LoadGenerator;
import io.batchwise.bench.LoadResult;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.ledger.CostLedger;
import io.batchwise.ledger.CostQuery;
import io.batchwise.ledger.CostReport;
import io.batchwise.ledger.CostReport.ClassCost;
import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.schedule.Scheduler;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Submission;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what the ledger exists to show: the cost per 1,000 rows of interactive traffic at low
 * load against the same model's rows as a bulk job at full load, on the same hardware and price
 * sheet. First the one-row service time t1 is measured (by the ledger: busy seconds per run).
 * Phase one sends open-loop single-row requests over HTTP at {@code load / t1} per second; phase
 * two keeps a batch deployment of the same model (same instances, threads and pool; see
 * {@link #batchDeployment}) saturated with bulk requests of {@code max_batch_size} rows. Each
 * phase's cost is the difference of the ledger's all-time totals before and after it (default
 * idle policy: idle time is charged to interactive).
 */
final class CostBench {
    /** One phase's measurement. */
    record Phase(String name, long rows, double rowsPerRun, double seconds, double utilization, double cost,
                 double costPer1k, double p50Ms, double p99Ms) {
    }

    /** Both phases and their ratio. */
    record Result(String model, double load, double oneRowSeconds, double rate, Phase interactive, Duration budget,
                  double shed, Phase bulk) {
        double ratio() {
            return interactive.costPer1k() / bulk.costPer1k();
        }
    }

    private CostBench() {
    }

    /** Suffix of the batch deployment's model name. */
    static final String BATCH_SUFFIX = "-batch";

    /**
     * Adds {@code <model>-batch} to a repository: the same ONNX file and config except the name
     * and a 10 s latency target, so that its capacity is priced on an account of its own. On CPU
     * bulk rows run on the bulk lane at {@code max_batch_size} either way; without a lane the
     * scheduler sizes bulk-only runs to half the tightest live budget so they never hold up an
     * interactive request, and a deployment that serves only batch work (as {@code batch run} on
     * a dedicated machine does) has no such budget, so its runs reach {@code max_batch_size}.
     */
    static void batchDeployment(Path repo, String model) throws java.io.IOException {
        Path from = repo.resolve(model);
        Path to = repo.resolve(model + BATCH_SUFFIX);
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (f.getFileName().toString().equals("config.yaml")) {
                    Files.writeString(target, batchConfig(Files.readString(f), model + BATCH_SUFFIX));
                } else {
                    try {
                        Files.createLink(target, f);
                    } catch (java.io.IOException | UnsupportedOperationException e) {
                        Files.copy(f, target);
                    }
                }
            }
        }
        if (!Files.exists(to.resolve("config.yaml"))) {
            Files.writeString(to.resolve("config.yaml"), batchConfig("", model + BATCH_SUFFIX));
        }
    }

    static String batchConfig(String yaml, String name) {
        String out = replaceKey(yaml, "name", name);
        return replaceKey(out, "latency_target", "10s");
    }

    private static String replaceKey(String yaml, String key, String value) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("(?m)^" + key + ":.*$");
        return p.matcher(yaml).find() ? p.matcher(yaml).replaceFirst(key + ": " + value)
                : yaml + (yaml.isEmpty() || yaml.endsWith("\n") ? "" : "\n") + key + ": " + value + "\n";
    }

    static Result run(BatchwiseServer server, String model, Duration duration, double load) throws Exception {
        CostLedger ledger = server.ledger();
        Scheduler scheduler = server.scheduler();
        LoadedModel loaded = server.registry().ready(model, null);
        double oneRow = oneRowSeconds(scheduler, ledger, loaded);
        double rate = load / oneRow;
        String url = "http://127.0.0.1:" + server.port();
        CostReport r0 = report(ledger, model);
        // The model's own budget, unless this machine is too slow for it right now: the point is
        // to measure what served rows cost, not to shed them.
        Duration budget = Duration.ofNanos(Math.max(loaded.config().latencyTarget().toNanos(), (long) (10 * oneRow * 1e9)));
        LoadResult live;
        try (LoadGenerator generator = new LoadGenerator(url)) {
            live = generator.run(new LoadGenerator.Load(model, rate, duration, budget, 1, "interactive", 42));
        }
        CostReport r1 = report(ledger, model);
        String batchModel = model + BATCH_SUFFIX;
        CostReport b0 = report(ledger, batchModel);
        saturate(scheduler, server.registry().ready(batchModel, null), duration);
        CostReport b1 = report(ledger, batchModel);
        return new Result(model, load, oneRow, rate,
                phase("interactive", ServiceClass.INTERACTIVE, r0, r1, live.p50Ms(), live.p99Ms()), budget, live.shedFraction(),
                phase("bulk", ServiceClass.BULK, b0, b1, Double.NaN, Double.NaN));
    }

    private static CostReport report(CostLedger ledger, String model) {
        return ledger.report(new CostQuery(model, null, null, null, null));
    }

    private static Phase phase(String name, ServiceClass cls, CostReport before, CostReport after, double p50,
                               double p99) {
        ModelCost b = before.models().get(0);
        ModelCost a = after.models().get(0);
        long rows = line(a, cls).rows() - line(b, cls).rows();
        long runs = line(a, cls).runs() - line(b, cls).runs();
        double cost = line(a, cls).cost() - line(b, cls).cost();
        double prov = a.provisionedSeconds() - b.provisionedSeconds();
        double busy = a.busySeconds() - b.busySeconds();
        return new Phase(name, rows, runs == 0 ? 0 : (double) rows / runs, prov, prov == 0 ? 0 : busy / prov, cost, rows == 0 ? Double.NaN : cost * 1000 / rows,
                p50, p99);
    }

    private static ClassCost line(ModelCost m, ServiceClass c) {
        return m.serviceClass(c).orElse(new ClassCost(c, 0, 0, 0, 0, 0, 0, null));
    }

    /**
     * The one-row service time: single-row requests sent one after another (model's default
     * budget), timed by the ledger itself as busy seconds per run. Client-side latency would
     * include the time the scheduler holds a lone request hoping for company.
     */
    private static double oneRowSeconds(Scheduler scheduler, CostLedger ledger, LoadedModel model) throws Exception {
        InferenceRequest one = requests(model, 1, 1).get(0);
        ModelCost before = report(ledger, model.name()).models().get(0);
        for (int i = 0; i < 30; i++) {
            try {
                scheduler.submit(model.name(), null, Submission.live(one)).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // shed on a busy machine: the ledger only times runs that happened
            }
        }
        ModelCost after = report(ledger, model.name()).models().get(0);
        return (after.busySeconds() - before.busySeconds()) / (after.runs() - before.runs());
    }

    private static List<InferenceRequest> requests(LoadedModel model, int count, int rows) {
        List<InferenceRequest> requests = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < count; i++) {
            List<Tensor> inputs = new ArrayList<>();
            for (TensorSpec s : model.signature().inputs()) {
                inputs.add(random(s, rows, random));
            }
            requests.add(new InferenceRequest("bench-" + i, inputs, List.of(), Map.of()));
        }
        return requests;
    }

    /** Keeps a few full-size bulk requests queued for {@code duration}; returns the rows done. */
    private static long saturate(Scheduler scheduler, LoadedModel model, Duration duration) throws Exception {
        int rows = model.config().maxBatchSize();
        List<InferenceRequest> requests = requests(model, 4, rows);
        Semaphore slots = new Semaphore(4);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            scheduler.submit(model.name(), null, Submission.bulk(requests.get(i % requests.size()), "cost-bench"))
                    .whenComplete((res, err) -> {
                        if (err == null) {
                            done.addAndGet(rows);
                        }
                        slots.release();
                    });
        }
        slots.acquire(4);
        return done.get();
    }

    private static Tensor random(TensorSpec spec, int rows, SplittableRandom random) {
        long[] shape = spec.shape();
        shape[0] = rows;
        for (int d = 1; d < shape.length; d++) {
            shape[d] = shape[d] < 0 ? 1 : shape[d];
        }
        int n = Math.toIntExact(Tensor.elementCount(shape));
        ByteBuffer b = ByteBuffer.allocate(n * Math.max(1, spec.type().byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            if (spec.type() == DataType.FP32) {
                b.putFloat((float) random.nextDouble(-1, 1));
            } else if (spec.type() == DataType.INT64) {
                b.putLong(random.nextInt(1, 1000));
            } else {
                throw new IllegalArgumentException("cost bench supports FP32 and INT64 inputs (got " + spec.type() + ")");
            }
        }
        b.flip();
        return Tensor.of(spec.name(), spec.type(), shape, b);
    }
}
