package io.batchwise.spark;

import java.io.Serializable;

/**
 * What every task of a JSONL job needs, shipped in its closure.
 *
 * @param batchId   the id line ids derive from ({@code batch run}'s, so both write the same ids)
 * @param endpoint  the path every line's url must equal, e.g. {@code /v2/models/scorer/infer}
 * @param batchSize most rows per ONNX Runtime call
 * @param model     where executors find the model
 * @param counters  requests completed and failed, rows predicted
 * @param validated whether the whole input passed validation before scoring
 */
record LineJob(String batchId, String endpoint, int batchSize, ModelFile model, RowCounters counters,
               boolean validated)
        implements Serializable {
}
