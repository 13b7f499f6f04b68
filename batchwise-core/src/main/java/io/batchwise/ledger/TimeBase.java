package io.batchwise.ledger;

import java.time.Clock;
import java.time.Instant;

/**
 * Maps ticker nanoseconds to wall-clock time and fixed buckets. The wall clock is read once, at
 * construction; every later time comes from the ticker, so durations never jump with clock
 * adjustments and tests drive time with a fake ticker.
 */
final class TimeBase {
    private final long wallOriginNanos;
    private final long tickerOrigin;
    final long bucketNanos;

    TimeBase(Clock clock, long tickerNow, long bucketNanos) {
        Instant now = clock.instant();
        this.wallOriginNanos = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
        this.tickerOrigin = tickerNow;
        this.bucketNanos = bucketNanos;
    }

    /** Wall-clock epoch nanoseconds of a ticker reading. */
    long wallNanos(long ticker) {
        return wallOriginNanos + (ticker - tickerOrigin);
    }

    /** The bucket a ticker reading falls in. */
    long bucketOf(long ticker) {
        return Math.floorDiv(wallNanos(ticker), bucketNanos);
    }

    /** The ticker reading at which a bucket starts. */
    long tickerAtBucketStart(long bucket) {
        return bucket * bucketNanos - wallOriginNanos + tickerOrigin;
    }

    /** The first bucket that ends after the instant. */
    long bucketOf(Instant instant) {
        return Math.floorDiv(epochNanos(instant), bucketNanos);
    }

    /** The first bucket that starts at or after the instant. */
    long bucketAtOrAfter(Instant instant) {
        return Math.floorDiv(epochNanos(instant) + bucketNanos - 1, bucketNanos);
    }

    Instant bucketStart(long bucket) {
        return instant(bucket * bucketNanos);
    }

    Instant instantOf(long ticker) {
        return instant(wallNanos(ticker));
    }

    /** Bucket of a stored bucket start (epoch milliseconds). */
    long bucketOfMillis(long epochMillis) {
        return Math.floorDiv(epochMillis * 1_000_000L, bucketNanos);
    }

    long bucketStartMillis(long bucket) {
        return Math.floorDiv(bucket * bucketNanos, 1_000_000L);
    }

    private static long epochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }
}
