package io.batchwise.jobs;

import io.batchwise.model.InvalidConfig;
import java.time.Duration;

/**
 * How the job engine runs batches.
 *
 * @param maxInFlightRows    rows one batch may have queued or running in the scheduler at once;
 *                           bounds memory and lets several batches share capacity
 * @param checkpointLines    commit a checkpoint at least every this many lines
 * @param checkpointInterval ... and at least this often while lines complete
 * @param maxConcurrentJobs  batches running at once; more wait their turn
 * @param maxLinesPerBatch   larger input files fail validation
 * @param shutdownGrace      on shutdown, how long running lines may take to finish before they
 *                           are abandoned (they run again after restart)
 */
public record JobSettings(int maxInFlightRows, int checkpointLines, Duration checkpointInterval, int maxConcurrentJobs,
                          long maxLinesPerBatch, Duration shutdownGrace) {
    /** OpenAI's line limit. */
    public static final long DEFAULT_MAX_LINES = 50_000;
    /** Longest line accepted (a line holds one request body). */
    static final long MAX_LINE_BYTES = 64L << 20;

    public JobSettings {
        require(maxInFlightRows >= 1, "jobs.max_in_flight_rows", maxInFlightRows, "must be >= 1");
        require(checkpointLines >= 1, "jobs.checkpoint_lines", checkpointLines, "must be >= 1");
        require(checkpointInterval != null && !checkpointInterval.isNegative(),
                "jobs.checkpoint_interval", checkpointInterval, "must be a duration >= 0");
        require(maxConcurrentJobs >= 1, "jobs.max_concurrent", maxConcurrentJobs, "must be >= 1");
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
        return new JobSettings(1024, 2000, Duration.ofSeconds(2), 4, DEFAULT_MAX_LINES, Duration.ofSeconds(25));
    }

    public JobSettings withMaxLinesPerBatch(long lines) {
        return new JobSettings(maxInFlightRows, checkpointLines, checkpointInterval, maxConcurrentJobs, lines,
                shutdownGrace);
    }

    public JobSettings withShutdownGrace(Duration grace) {
        return new JobSettings(maxInFlightRows, checkpointLines, checkpointInterval, maxConcurrentJobs,
                maxLinesPerBatch, grace);
    }

    public JobSettings withCheckpoints(int lines, Duration interval) {
        return new JobSettings(maxInFlightRows, lines, interval, maxConcurrentJobs, maxLinesPerBatch, shutdownGrace);
    }

    public JobSettings withMaxInFlightRows(int rows) {
        return new JobSettings(rows, checkpointLines, checkpointInterval, maxConcurrentJobs, maxLinesPerBatch,
                shutdownGrace);
    }
}
