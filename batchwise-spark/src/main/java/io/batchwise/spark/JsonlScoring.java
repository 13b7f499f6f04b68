package io.batchwise.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

final class JsonlScoring {
    private JsonlScoring() {
    }

    static Dataset<Row> results(SparkSession spark, JobOptions o, ModelLocator.Found found, RowCounters counters) {
        throw new UnsupportedOperationException("JSONL input is not wired yet");
    }
}
