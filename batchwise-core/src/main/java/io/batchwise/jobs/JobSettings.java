package io.batchwise.jobs;

import io.batchwise.model.InvalidConfig;
import java.time.Duration;

/**
 * How the job engine runs batches.
 *
 * @param maxInFlightRows    rows the running batches may have queued or running in the
 *                           scheduler at once, shared equally among them (one batch alone gets
 *                           all of it, enough to keep every bulk lane busy); bounds memory and
 *                           lets several batches share capacity. In a server it also bounds
 *                           garbage-collection pauses, which stop live requests too: rows in
 *                           flight longer than the young generation lives are copied at every
 *                           pause (4 batches x 1,024 rows each of the demo scorer gave 55-114 ms
 *                           pauses beside live traffic; x 256, up to 50 ms, and 4-9 ms under the
 *                           launcher's {@code -XX:MaxGCPauseMillis=20})
 * @param checkpointLines    commit a checkpoint at least every this many lines
 * @param checkpointInterval ... and at least this often while lines complete
 * @param maxConcurrentJobs  batches running at once; more wait their turn
 * @param cpuThreads         batches that may decode and encode lines at the same moment (the
 *                           rest wait their turn, fairly); by default one core fewer than the
 *                           machine has, so the engine's own CPU work never takes the core that
 *                           live requests need
 * @param maxLinesPerBatch   larger input files fail validation
 * @param shutdownGrace      on shutdown, how long running lines may take to finish before they
 *                           are abandoned (they run again after restart)
 */
public record JobSettings(int maxInFlightRows, int checkpointLines, Duration checkpointInterval, int maxConcurrentJobs,
                          int cpuThreads, long maxLinesPerBatch, Duration shutdownGrace) {
    /** OpenAI's line limit. */
    public static final long DEFAULT_MAX_LINES = 50_000;
    public static final int DEFAULT_IN_FLIGHT_ROWS = 1024;
    /** Longest line accepted (a line holds one request body). */
    static final long MAX_LINE_BYTES = 64L << 20;

    public JobSettings {
        require(maxInFlightRows >= 1, "jobs.max_in_flight_rows", maxInFlightRows, "must be >= 1");
        require(checkpointLines >= 1, "jobs.checkpoint_lines", checkpointLines, "must be >= 1");
        require(checkpointInterval != null && !checkpointInterval.isNegative(),
                "jobs.checkpoint_interval", checkpointInterval, "must be a duration >= 0");
        require(maxConcurrentJobs >= 1, "jobs.max_concurrent", maxConcurrentJobs, "must be >= 1");
        require(cpuThreads >= 1, "jobs.cpu_threads", cpuThreads, "must be >= 1");
        require(maxLinesPerBatch >= 1, "max_batch_lines", maxLinesPerBatch, "must be >= 1");
        require(shutdownGrace != null && !shutdownGrace.isNegative(), "shutdown_grace", shutdownGrace,
                "must be a duration >= 0");
    }

    private static void require(boolean ok, String field, Object value, String rule) {
        if (!ok) {
            throw new InvalidConfig(field + ": " + rule + " (got " + value + ")");
        }
    }

    public static JobSettings defaults() {
        int cpus = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        return new JobSettings(DEFAULT_IN_FLIGHT_ROWS, 2000, Duration.ofSeconds(2), 4, cpus, DEFAULT_MAX_LINES,
                Duration.ofSeconds(25));
    }

    public JobSettings withMaxLinesPerBatch(long lines) {
        return new JobSettings(maxInFlightRows, checkpointLines, checkpointInterval, maxConcurrentJobs, cpuThreads,
                lines, shutdownGrace);
    }

    public JobSettings withShutdownGrace(Duration grace) {
        return new JobSettings(maxInFlightRows, checkpointLines, checkpointInterval, maxConcurrentJobs, cpuThreads,
                maxLinesPerBatch, grace);
    }

    public JobSettings withCheckpoints(int lines, Duration interval) {
        return new JobSettings(maxInFlightRows, lines, interval, maxConcurrentJobs, cpuThreads, maxLinesPerBatch,
                shutdownGrace);
    }

    public JobSettings withMaxInFlightRows(int rows) {
        return new JobSettings(rows, checkpointLines, checkpointInterval, maxConcurrentJobs, cpuThreads,
                maxLinesPerBatch, shutdownGrace);
    }

    public JobSettings withCpuThreads(int threads) {
        return new JobSettings(maxInFlightRows, checkpointLines, checkpointInterval, maxConcurrentJobs, threads,
                maxLinesPerBatch, shutdownGrace);
    }
}
