package io.batchwise.spark;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time of a job's phases, in the order they ran; explains where a run's time went. */
final class Phases {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long mark = System.nanoTime();

    /** Ends the phase running since the last call (or since creation) under this name. */
    void end(String phase) {
        long now = System.nanoTime();
        seconds.merge(phase, (now - mark) / 1e9, Double::sum);
        mark = now;
    }

    Map<String, Double> seconds() {
        return Collections.unmodifiableMap(seconds);
    }
}
