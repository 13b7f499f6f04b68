package io.batchwise.openai;

import io.batchwise.jobs.JobSettings;
import io.batchwise.model.InvalidConfig;

/**
 * Settings of the OpenAI-compatible API ({@code /v1/files}, {@code /v1/batches},
 * {@code /v1/embeddings}) and the batch jobs behind it.
 *
 * @param apiKey       when set, every {@code /v1} request needs {@code Authorization: Bearer <key>}
 * @param maxFileBytes largest uploaded file; larger uploads get 413
 * @param jobs         how batches run
 */
public record OpenAiOptions(String apiKey, long maxFileBytes, JobSettings jobs) {
    /** OpenAI's limit for batch input files. */
    public static final long DEFAULT_MAX_FILE_BYTES = 200L << 20;

    public OpenAiOptions {
        if (apiKey != null && apiKey.isBlank()) {
            apiKey = null;
        }
        if (maxFileBytes < 1) {
            throw new InvalidConfig("max_file_size: must be at least 1 byte (got " + maxFileBytes + ")");
        }
        if (jobs == null) {
            throw new InvalidConfig("jobs: settings are required");
        }
    }

    public static OpenAiOptions defaults() {
        return new OpenAiOptions(null, DEFAULT_MAX_FILE_BYTES, JobSettings.defaults());
    }

    public OpenAiOptions withApiKey(String key) {
        return new OpenAiOptions(key, maxFileBytes, jobs);
    }

    public OpenAiOptions withMaxFileBytes(long bytes) {
        return new OpenAiOptions(apiKey, bytes, jobs);
    }

    public OpenAiOptions withJobs(JobSettings settings) {
        return new OpenAiOptions(apiKey, maxFileBytes, settings);
    }
}
