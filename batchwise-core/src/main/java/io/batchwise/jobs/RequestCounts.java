package io.batchwise.jobs;

/** Lines of a batch: all of them, those that succeeded, those in the error file. */
public record RequestCounts(long total, long completed, long failed) {
}
