package io.batchwise.jobs;

/** A batch's lifecycle timestamps in seconds since the epoch; null until the batch gets there. */
public record BatchTimes(long createdAt, Long inProgressAt, Long expiresAt, Long finalizingAt, Long completedAt,
                         Long failedAt, Long expiredAt, Long cancellingAt, Long cancelledAt) {
}
