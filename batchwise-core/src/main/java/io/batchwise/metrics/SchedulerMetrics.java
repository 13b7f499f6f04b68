package io.batchwise.metrics;

import io.batchwise.schedule.Outcome;
import io.batchwise.schedule.RunRecord;
import io.batchwise.schedule.SchedulerListener;
import io.batchwise.schedule.ServiceClass;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The scheduler's Prometheus metrics, per model and class: requests by outcome, queue, compute
 * and end-to-end time histograms, rows per run, dispatch reasons and deadline attainment.
 */
public final class SchedulerMetrics implements SchedulerListener, MetricsSource {
    private final Map<String, LongAdder> requests = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> deadlines = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> dispatches = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> rowsTotal = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> queue = new ConcurrentHashMap<>();
    private final Map<String, Histogram> compute = new ConcurrentHashMap<>();
    private final Map<String, Histogram> total = new ConcurrentHashMap<>();
    private final Map<String, Histogram> runRows = new ConcurrentHashMap<>();
    private final Map<String, Histogram> runSeconds = new ConcurrentHashMap<>();
    private final Map<String, Double> reserves = new ConcurrentSkipListMap<>();

    @Override
    public void onRun(RunRecord run) {
        String model = Labels.of("model", run.model());
        runRows.computeIfAbsent(model, k -> Histogram.rows()).observe(run.rows());
        runSeconds.computeIfAbsent(model, k -> Histogram.seconds()).observe(run.durationNanos() / 1e9);
        dispatches.computeIfAbsent(Labels.of("model", run.model(), "reason", run.reason()), k -> new LongAdder())
                .increment();
        for (Map.Entry<ServiceClass, Integer> e : run.rowsByClass().entrySet()) {
            rowsTotal.computeIfAbsent(Labels.of("model", run.model(), "class", e.getKey().label()),
                    k -> new LongAdder()).add(e.getValue());
        }
    }

    @Override
    public void onRequestDone(String model, ServiceClass cls, Outcome outcome, int rows, long queueNanos,
                              long computeNanos, long totalNanos, boolean met) {
        String mc = Labels.of("model", model, "class", cls.label());
        requests.computeIfAbsent(Labels.of("model", model, "class", cls.label(), "outcome", outcome.label()),
                k -> new LongAdder()).increment();
        if (cls != ServiceClass.BULK) {
            deadlines.computeIfAbsent(Labels.of("model", model, "class", cls.label(), "met", Boolean.toString(met)),
                    k -> new LongAdder()).increment();
        }
        if (outcome == Outcome.SUCCESS) {
            queue.computeIfAbsent(mc, k -> Histogram.seconds()).observe(queueNanos / 1e9);
            compute.computeIfAbsent(mc, k -> Histogram.seconds()).observe(computeNanos / 1e9);
            total.computeIfAbsent(mc, k -> Histogram.seconds()).observe(totalNanos / 1e9);
        }
    }

    @Override
    public void onTailReserve(String model, ServiceClass cls, double share) {
        reserves.put(Labels.of("model", model, "class", cls.label()), share);
    }

    /** Mean rows per run of a model so far (for benchmarks), 0 before the first run. */
    public double meanRowsPerRun(String model) {
        Histogram h = runRows.get(Labels.of("model", model));
        return h == null || h.count() == 0 ? 0 : h.sum() / h.count();
    }

    @Override
    public void writeTo(StringBuilder out) {
        counter(out, "batchwise_requests_total", "Requests that left the scheduler, by outcome.", requests);
        counter(out, "batchwise_deadline_total", "Live requests by whether they finished within their deadline.",
                deadlines);
        counter(out, "batchwise_dispatch_total", "Runs by the reason they were dispatched.", dispatches);
        counter(out, "batchwise_rows_total", "Rows run, by class.", rowsTotal);
        histograms(out, "batchwise_queue_seconds", "Arrival to the start of the request's last run.", queue);
        histograms(out, "batchwise_compute_seconds", "Time in ONNX Runtime runs per request.", compute);
        histograms(out, "batchwise_request_seconds", "Arrival to completion (end to end in the scheduler).", total);
        histograms(out, "batchwise_run_rows", "Rows per ONNX Runtime run.", runRows);
        histograms(out, "batchwise_run_seconds", "Duration of ONNX Runtime runs.", runSeconds);
        gauge(out, "batchwise_tail_reserve_ratio", "Share of each live request's budget kept in reserve for the "
                + "tail: bulk rows top runs up only within the rest, and slo plans its waits within it. Fixed for "
                + "none and window; slo's grows while more than about 1% of requests finish late.", reserves);
    }

    private static void gauge(StringBuilder out, String name, String help, Map<String, Double> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        values.forEach((labels, v) -> out.append(name).append(labels).append(' ').append(v).append('\n'));
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        values.forEach((labels, v) -> out.append(name).append(labels).append(' ').append(v.sum()).append('\n'));
    }

    private static void histograms(StringBuilder out, String name, String help, Map<String, Histogram> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        new TreeMap<>(values).forEach((labels, h) -> h.writeTo(out, name, labels));
    }
}
