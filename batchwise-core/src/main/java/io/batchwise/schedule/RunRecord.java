package io.batchwise.schedule;

import java.util.Map;

/**
 * One ONNX Runtime run as executed: which instance, when (ticker nanoseconds), and whose rows.
 *
 * @param reason why the batch was dispatched (full, deadline, window, preferred, idle, bulk, ...)
 */
public record RunRecord(String model, int instance, long startNanos, long endNanos, int rows,
                        Map<ServiceClass, Integer> rowsByClass, Map<String, Integer> rowsByTag,
                        Map<String, Integer> rowsByJob, String reason) {
    public RunRecord {
        rowsByClass = Map.copyOf(rowsByClass);
        rowsByTag = Map.copyOf(rowsByTag);
        rowsByJob = Map.copyOf(rowsByJob);
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }
}
