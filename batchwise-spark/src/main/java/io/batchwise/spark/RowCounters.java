package io.batchwise.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Requests completed and failed, and rows predicted, counted on the executors. The job counts
 * only in the stage that writes the output, a result stage, where Spark merges each partition's
 * updates exactly once (a failed or retried attempt's updates are dropped), so the totals match
 * what was committed.
 */
record RowCounters(LongAccumulator completed, LongAccumulator failed, LongAccumulator rows) implements Serializable {
    static RowCounters register(SparkContext sc) {
        return new RowCounters(sc.longAccumulator("batchwise requests completed"),
                sc.longAccumulator("batchwise requests failed"), sc.longAccumulator("batchwise rows predicted"));
    }
}
