package io.batchwise.schedule;

/**
 * A monotonic nanosecond clock. The scheduler and ledger take one instead of calling
 * {@code System.nanoTime()}, so tests drive deadlines and windows deterministically.
 */
@FunctionalInterface
public interface Ticker {
    /** Monotonic time in nanoseconds (arbitrary origin). */
    long read();

    /** The system's monotonic clock. */
    static Ticker systemTicker() {
        return SystemTicker.INSTANCE;
    }
}

enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long read() {
        return System.nanoTime();
    }
}
