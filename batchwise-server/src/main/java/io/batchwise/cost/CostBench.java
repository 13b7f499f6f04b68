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
 * load against the same model's rows as a bulk job at full load, on the same instance and price
 * sheet. Phase one sends open-loop single-row requests over HTTP at {@code load} x the
 * single-row service rate; phase two keeps the instance saturated with bulk requests of
 * {@code max_batch_size} rows. Each phase's cost is the difference of the ledger's all-time
 * totals before and after it (default idle policy: idle time is charged to interactive).
 */
final class CostBench {
    /** One phase's measurement. */
    record Phase(String name, long rows, double seconds, double utilization, double cost, double costPer1k,
                 double p50Ms, double p99Ms) {
    }

    /** Both phases and their ratio. */
    record Result(String model, double load, Phase interactive, Phase bulk) {
        double ratio() {
            return interactive.costPer1k() / bulk.costPer1k();
        }
    }

    private CostBench() {
    }

    static Result run(BatchwiseServer server, String model, Duration duration, double load) throws Exception {
        CostLedger ledger = server.ledger();
        Scheduler scheduler = server.scheduler();
        double oneRow = scheduler.predictSeconds(model, 1);
        if (oneRow <= 0) {
            throw new IllegalStateException("no latency estimate for " + model + " (did its warm-up run?)");
        }
        double rate = load / oneRow;
        String url = "http://127.0.0.1:" + server.port();
        CostReport r0 = report(ledger, model);
        LoadResult live = new LoadGenerator(url).run(new LoadGenerator.Load(model, rate, duration, null, 1, null, 42));
        CostReport r1 = report(ledger, model);
        long bulkRows = saturate(scheduler, server.registry().ready(model, null), duration);
        CostReport r2 = report(ledger, model);
        return new Result(model, load,
                phase("interactive", ServiceClass.INTERACTIVE, r0, r1, live.p50Ms(), live.p99Ms()),
                phase("bulk", ServiceClass.BULK, r1, r2, Double.NaN, Double.NaN));
    }

    private static CostReport report(CostLedger ledger, String model) {
        return ledger.report(new CostQuery(model, null, null, null, null));
    }

    private static Phase phase(String name, ServiceClass cls, CostReport before, CostReport after, double p50,
                               double p99) {
        ModelCost b = before.models().get(0);
        ModelCost a = after.models().get(0);
        long rows = line(a, cls).rows() - line(b, cls).rows();
        double cost = line(a, cls).cost() - line(b, cls).cost();
        double prov = a.provisionedSeconds() - b.provisionedSeconds();
        double busy = a.busySeconds() - b.busySeconds();
        return new Phase(name, rows, prov, prov == 0 ? 0 : busy / prov, cost, rows == 0 ? Double.NaN : cost * 1000 / rows,
                p50, p99);
    }

    private static ClassCost line(ModelCost m, ServiceClass c) {
        return m.serviceClass(c).orElse(new ClassCost(c, 0, 0, 0, 0, 0, 0, null));
    }

    /** Keeps a few full-size bulk requests queued for {@code duration}; returns the rows done. */
    private static long saturate(Scheduler scheduler, LoadedModel model, Duration duration) throws Exception {
        int rows = model.config().maxBatchSize();
        List<InferenceRequest> requests = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 4; i++) {
            List<Tensor> inputs = new ArrayList<>();
            for (TensorSpec s : model.signature().inputs()) {
                inputs.add(random(s, rows, random));
            }
            requests.add(new InferenceRequest("bulk-" + i, inputs, List.of(), Map.of()));
        }
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
