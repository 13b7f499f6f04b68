package io.batchwise.spark;

import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Makes the first attempt of every task fail part-way, after it has handed some rows to the
 * writer, so that tests (and a sceptical operator) can see that Spark's retry of the task
 * neither loses nor duplicates a row.
 */
final class FaultInjection {
    private FaultInjection() {
    }

    static Dataset<Row> failFirstAttempts(Dataset<Row> rows, long after) {
        MapPartitionsFunction<Row, Row> fail = in -> new Iterator<>() {
            private long passed;

            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public Row next() {
                TaskContext task = TaskContext.get();
                if (passed == after && task.attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure: attempt 0 of partition " + task.partitionId()
                            + " stops after " + after + " rows");
                }
                passed++;
                return in.next();
            }
        };
        return rows.mapPartitions(fail, Encoders.row(rows.schema()));
    }
}
