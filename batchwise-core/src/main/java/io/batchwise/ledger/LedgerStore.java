package io.batchwise.ledger;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the ledger keeps its history so a restart does not lose it: bucketed usage rows, saved
 * as cumulative values (saving a row again replaces it).
 */
public interface LedgerStore extends AutoCloseable {
    /** Every stored row. */
    List<UsageRow> load();

    /** Saves (inserts or replaces) rows atomically. */
    void save(List<UsageRow> rows);

    /** The bucket width the stored rows were written with, or 0 when the store is new. */
    long bucketMillis();

    /** Records the bucket width of the rows this ledger writes. */
    void bucketMillis(long millis);

    @Override
    void close();

    /** A store that keeps nothing (history lives as long as the process). */
    static LedgerStore none() {
        return NoStore.INSTANCE;
    }

    /** An embedded SQLite database file (created with its parent folders when missing). */
    static LedgerStore sqlite(Path file) {
        return SqliteLedgerStore.open(file);
    }
}

enum NoStore implements LedgerStore {
    INSTANCE;

    @Override
    public List<UsageRow> load() {
        return List.of();
    }

    @Override
    public void save(List<UsageRow> rows) {
    }

    @Override
    public long bucketMillis() {
        return 0;
    }

    @Override
    public void bucketMillis(long millis) {
    }

    @Override
    public void close() {
    }
}
