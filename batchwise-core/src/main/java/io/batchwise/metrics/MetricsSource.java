package io.batchwise.metrics;

/**
 * Something that contributes metric families to {@code GET /metrics} in the Prometheus text
 * exposition format (version 0.0.4): {@code # HELP}, {@code # TYPE}, then samples.
 */
@FunctionalInterface
public interface MetricsSource {
    /** Appends this source's metric families. */
    void writeTo(StringBuilder out);
}
