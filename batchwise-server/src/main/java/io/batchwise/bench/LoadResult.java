package io.batchwise.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one open-loop run measured. Latencies are from each request's intended send time, so a
 * stalled server cannot hide its queueing (no coordinated omission). {@code maxSendLagMs} is how
 * late the generator itself sent its most delayed request: when it is large, the client, not the
 * server, made that part of the tail. {@code meanRowsPerRun} and {@code meanRunMs} (the mean
 * ONNX Runtime run) come from the server's metrics over the run.
 */
public record LoadResult(String model, double rate, double durationSeconds, long sent, long succeeded, long shed,
                         long failed, double achievedRate, double p50Ms, double p99Ms, double p999Ms,
                         double meanRowsPerRun, double meanRunMs, double maxSendLagMs) {
    /** Fraction of sent requests refused with 429 or 503. */
    public double shedFraction() {
        return sent == 0 ? 0 : (double) shed / sent;
    }

    /** True when p99 is within {@code p99Ms} and at most {@code maxShed} of requests were shed or failed. */
    public boolean holds(double p99LimitMs, double maxShed) {
        return p99Ms <= p99LimitMs && (double) (shed + failed) / Math.max(1, sent) <= maxShed;
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("model", model).put("rate", rate).put("duration_s", durationSeconds).put("sent", sent)
                .put("succeeded", succeeded).put("shed", shed).put("failed", failed)
                .put("shed_fraction", shedFraction()).put("achieved_rate", achievedRate)
                .put("p50_ms", p50Ms).put("p99_ms", p99Ms).put("p999_ms", p999Ms)
                .put("mean_rows_per_run", meanRowsPerRun).put("mean_run_ms", meanRunMs)
                .put("max_send_lag_ms", maxSendLagMs);
        return n;
    }
}
