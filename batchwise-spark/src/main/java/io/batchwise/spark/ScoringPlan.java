package io.batchwise.spark;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a task needs to score its partition, worked out once on the driver and shipped in
 * the task closure: the model file, which columns feed which model input, which outputs fill
 * which columns, the batch size, and whether bad rows fail the task or are reported per row.
 *
 * @param errorColumn when not null, a row that cannot be scored gets null outputs and the
 *                    reason in this column instead of failing the task
 * @param counters    where to count scored and failed rows, or null
 */
record ScoringPlan(ModelFile model, List<InputFeed> feeds, List<OutputColumn> outputs, int batchSize,
                   String errorColumn, RowCounters counters) implements Serializable {
    ScoringPlan {
        feeds = List.copyOf(feeds);
        outputs = List.copyOf(outputs);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 (got " + batchSize + ")");
        }
    }

    Set<String> outputNames() {
        Set<String> names = new LinkedHashSet<>();
        outputs.forEach(o -> names.add(o.output()));
        return names;
    }
}
