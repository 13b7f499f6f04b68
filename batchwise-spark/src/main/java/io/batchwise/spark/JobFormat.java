package io.batchwise.spark;

import java.util.Locale;

/** The file formats a batch job reads and writes. */
enum JobFormat {
    /** Lines of the Batches API: {@code {custom_id, method, url, body}} in, response lines out. */
    JSONL,
    /** A {@code custom_id} column and one column per model input in; one per output out. */
    PARQUET;

    /** The format a path's name suggests: Parquet for {@code .parquet}, else JSONL. */
    static JobFormat guess(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.endsWith(".parquet") ? PARQUET : JSONL;
    }
}
