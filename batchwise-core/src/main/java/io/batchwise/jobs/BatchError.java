package io.batchwise.jobs;

/**
 * Why a batch failed validation, OpenAI's {@code errors.data[]} entry.
 *
 * @param code    machine-readable reason, e.g. {@code duplicate_custom_id}
 * @param line    1-based line of the input file, or null when the whole file is at fault
 * @param param   the offending field, or null
 */
public record BatchError(String code, String message, String param, Integer line) {
}
