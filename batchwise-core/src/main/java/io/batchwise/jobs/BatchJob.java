package io.batchwise.jobs;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a batch, the fields of OpenAI's batch object.
 *
 * @param endpoint         what every line calls, e.g. {@code /v1/embeddings} or {@code /v2/models/m/infer}
 * @param completionWindow as given, e.g. {@code 24h}
 * @param outputFileId     published once the batch ends with successful lines, else null
 * @param errorFileId      published once the batch ends with failed lines, else null
 * @param errors           validation errors of a failed batch (empty otherwise)
 */
public record BatchJob(String id, String endpoint, String inputFileId, String completionWindow, BatchStatus status,
                       String outputFileId, String errorFileId, List<BatchError> errors, Map<String, String> metadata,
                       BatchTimes times, RequestCounts counts) {
    public BatchJob {
        errors = List.copyOf(errors);
        metadata = Map.copyOf(metadata);
    }
}
