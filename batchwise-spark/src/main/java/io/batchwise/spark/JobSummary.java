package io.batchwise.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.ledger.Pool;
import io.batchwise.ledger.PriceSheet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a Spark batch job did and cost, in the ledger's vocabulary: the pool its executors are
 * priced as, executor-seconds held (busy or idle), task-seconds busy, and the cost per 1,000
 * rows. An executor of {@code slotsPerExecutor} cores pays {@code price_per_hour x its slots /
 * the pool's slots}, as a batchwise instance does.
 *
 * @param rows      predictions made (tensor rows; a line of a JSONL input may carry several)
 * @param requests  input lines or Parquet rows read
 * @param completed requests written to the output
 * @param failed    requests written to the errors output
 * @param phases    seconds of each phase (find_model, count_lines, validate, score_and_write,
 *                  commit), in order
 */
record JobSummary(String model, String in, String out, long requests, long completed, long failed, long rows,
                  CostMeter.Usage usage, String currency, Pool pool, int pricedSlots, double cost,
                  Map<String, Double> phases) {

    static JobSummary of(String model, String in, String out, long completed, long failed, long rows,
                         CostMeter.Usage usage, PriceSheet prices, Pool pool, Map<String, Double> phases) {
        int slots = usage.slotsPerExecutor() > 0 ? usage.slotsPerExecutor() : pool.slots();
        double cost = usage.executorSeconds() / 3600.0 * pool.ratePerHour(slots);
        return new JobSummary(model, in, out, completed + failed, completed, failed, rows, usage, prices.currency(),
                pool, slots, cost, Collections.unmodifiableMap(new LinkedHashMap<>(phases)));
    }

    double rowsPerSecond() {
        return usage.wallSeconds() > 0 ? rows / usage.wallSeconds() : 0;
    }

    /** Cost per 1,000 rows, or 0 when no row was scored. */
    double costPer1k() {
        return rows == 0 ? 0 : cost * 1000 / rows;
    }

    double utilization() {
        double capacity = usage.executorSeconds() * Math.max(1, pricedSlots);
        return capacity > 0 ? Math.min(1, usage.taskSeconds() / capacity) : 0;
    }

    String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("model", model).put("in", in).put("out", out);
        o.put("requests", requests).put("completed", completed).put("failed", failed).put("rows", rows);
        o.put("wall_seconds", round(usage.wallSeconds())).put("rows_per_second", round(rowsPerSecond()));
        o.put("executors", usage.executors()).put("slots_per_executor", pricedSlots);
        o.put("executor_seconds", round(usage.executorSeconds())).put("task_seconds", round(usage.taskSeconds()));
        o.put("utilization", round(utilization()));
        o.put("failed_task_attempts", usage.failedAttempts());
        o.put("pool", pool.name()).put("category", pool.category().label()).put("currency", currency);
        o.put("price_per_hour", pool.pricePerHour()).put("pool_slots", pool.slots());
        o.put("cost", cost).put("cost_per_1k", costPer1k());
        ObjectNode p = o.putObject("phases_seconds");
        phases.forEach((k, v) -> p.put(k, round(v)));
        try {
            return json.writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The human summary printed at the end of a run. */
    String toText() {
        return String.format(Locale.ROOT, """
                batchwise spark: %d requests (%d rows) -> %d completed, %d failed, in %.1f s (%.0f rows/s)
                  capacity: %d executor(s) x %d slot(s), %.1f executor-s held, %.1f task-s busy (%.0f%% used), \
                %d failed task attempt(s)
                  cost: %.6f %s on pool %s (%s, %s/h per %d slots) = %.6f %s per 1k rows
                  phases: %s
                  output: %s
                """, requests, rows, completed, failed, usage.wallSeconds(), rowsPerSecond(), usage.executors(),
                pricedSlots, usage.executorSeconds(), usage.taskSeconds(), utilization() * 100, usage.failedAttempts(),
                cost, currency,
                pool.name(), pool.category().label(), pool.pricePerHour(), pool.slots(), costPer1k(), currency,
                phasesText(), out);
    }

    private String phasesText() {
        StringBuilder b = new StringBuilder();
        phases.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.1f s", v)));
        return b.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
