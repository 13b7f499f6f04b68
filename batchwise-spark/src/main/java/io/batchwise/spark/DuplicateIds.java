package io.batchwise.spark;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The Batches API's rule that every {@code custom_id} appears once, checked before anything is
 * scored (a shuffle of the ids only), so the output can hold each exactly once.
 */
final class DuplicateIds {
    private DuplicateIds() {
    }

    /**
     * @param ids a one-column dataset of the ids (null for a line with none)
     * @throws IllegalArgumentException naming up to five repeated ids
     */
    static void check(Dataset<Row> ids) {
        String column = ids.columns()[0];
        List<Row> repeated = ids.filter(col(column).isNotNull()).groupBy(col(column)).count()
                .filter(col("count").gt(1)).limit(5).collectAsList();
        if (!repeated.isEmpty()) {
            throw new IllegalArgumentException("custom_id must be unique in the input; repeated: " + repeated.stream()
                    .map(r -> "'" + r.get(0) + "' (" + r.getLong(1) + " times)").collect(Collectors.joining(", ")));
        }
    }
}
