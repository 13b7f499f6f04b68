package io.batchwise.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The tests' one local Spark, shared by every test class in the JVM (starting Spark costs
 * seconds): two task slots, up to 4 attempts per task, few shuffle partitions, no UI. Spark
 * stops it when the JVM exits.
 */
final class SparkSessions {
    /** Local mode retries a failed task only when the master says how often: {@code local[N,F]}. */
    static final int MAX_ATTEMPTS = 4;

    private SparkSessions() {
    }

    static SparkSession shared() {
        return SparkSession.builder()
                .appName("batchwise-test")
                .master("local[2," + MAX_ATTEMPTS + "]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
