package io.batchwise.spark;

import io.batchwise.ledger.PriceSheet;

/**
 * A batch job's settings, validated.
 *
 * @param model          the model's name
 * @param models         the model repository: a local folder or a Hadoop URI
 * @param in             input: JSONL file(s) or a Parquet dataset
 * @param out            output folder: {@code output/}, {@code errors/}, {@code summary.json},
 *                       in the input's format
 * @param format         the input's format, or null to tell from its name
 * @param endpoint       the url of a JSONL input's lines, or null for the model's KServe path
 * @param batchSize      rows per ONNX Runtime call, or null for the model's max_batch_size
 * @param intraOpThreads threads per session, or null for the model's setting
 * @param shipModel      ship the model with the job; null: unless the master is local
 * @param validate       check the whole input before scoring, as the Batches API does, and
 *                       fail the job on a malformed line or a repeated custom_id
 * @param prices         the price sheet
 * @param pool           the pool executors are priced as, or null for the model's pool
 * @param failFirstAttemptAfter for resilience tests: the first attempt of every task fails
 *                       after writing this many rows; negative: never
 */
record JobOptions(String model, String models, String in, String out, JobFormat format, String endpoint,
                  Integer batchSize, Integer intraOpThreads, Boolean shipModel, boolean validate,
                  PriceSheet prices, String pool, long failFirstAttemptAfter) {
    JobOptions {
        require(model != null && model.matches("[A-Za-z0-9_.-]+"), "--model must be a model name (got " + model + ")");
        require(models != null && !models.isBlank(), "--models is required");
        require(in != null && !in.isBlank(), "--in is required");
        require(out != null && !out.isBlank(), "--out is required");
        require(batchSize == null || batchSize >= 1, "--batch-size must be >= 1 (got " + batchSize + ")");
        require(intraOpThreads == null || intraOpThreads >= 1,
                "--intra-op-threads must be >= 1 (got " + intraOpThreads + ")");
        require(prices != null, "a price sheet is required");
        if (format == null) {
            format = JobFormat.guess(in);
        }
        require(endpoint == null || format == JobFormat.JSONL, "--endpoint applies to JSONL input only");
    }

    /** The model's path: its folder in the repository. */
    String modelPath() {
        return models.endsWith("/") ? models + model : models + "/" + model;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
