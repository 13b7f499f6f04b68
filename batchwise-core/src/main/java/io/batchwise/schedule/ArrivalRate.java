package io.batchwise.schedule;

/**
 * Rows per second arriving, as an exponentially decaying average with time constant
 * {@code tau}: each arrival adds {@code rows / tau}, and the estimate decays by
 * {@code exp(-dt / tau)}. It answers "how many rows will arrive if I wait w?" as {@code rate * w}.
 */
final class ArrivalRate {
    private final double tauNanos;
    private double rate;
    private double requests;
    private long lastArrival = Long.MIN_VALUE;
    private long last;
    private boolean started;

    ArrivalRate(long tauNanos) {
        this.tauNanos = tauNanos;
    }

    void arrive(long now, long rows) {
        decay(now);
        rate += rows / (tauNanos / 1e9);
        requests += 1 / (tauNanos / 1e9);
        lastArrival = now;
    }

    /** Estimated requests per second at {@code now}. */
    double requestsPerSecond(long now) {
        decay(now);
        return requests;
    }

    /** Ticker time of the latest arrival, or Long.MIN_VALUE before the first. */
    long lastArrival() {
        return lastArrival;
    }

    /** Estimated rows per second at {@code now}. */
    double perSecond(long now) {
        decay(now);
        return rate;
    }

    private void decay(long now) {
        if (started && now > last) {
            double f = Math.exp(-(now - last) / tauNanos);
            rate *= f;
            requests *= f;
        }
        if (!started || now > last) {
            last = now;
        }
        started = true;
    }
}
