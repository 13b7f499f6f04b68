package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStoreTest {
    @TempDir
    Path dir;

    @Test
    void open_emptyDirectory_createsLatestSchemaInWalMode() throws Exception {
        try (JobStore store = JobStore.open(dir)) {
            assertEquals(SchemaMigrations.latest(), store.schemaVersion());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(JobStore.DB_FILE));
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
            r.next();
            assertEquals("wal", r.getString(1));
        }
    }

    @Test
    void open_olderSchema_upgradesAndKeepsData() {
        try (JobStore v1 = JobStore.open(dir, 1)) {
            assertEquals(1, v1.schemaVersion());
            v1.insertFile(new StoredFile("file-old", "batch", "old.jsonl", 12, 1000));
        }
        try (JobStore store = JobStore.open(dir)) {
            assertEquals(SchemaMigrations.latest(), store.schemaVersion());
            assertEquals(12, store.file("file-old").orElseThrow().bytes());
            store.insertBatch("batch_1", "/v1/embeddings", "file-old", "24h", Map.of(), 1000, 2000);
            assertEquals(BatchStatus.VALIDATING, store.batch("batch_1").orElseThrow().status());
        }
    }

    @Test
    void open_schemaFromNewerBuild_refused() throws Exception {
        JobStore.open(dir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(JobStore.DB_FILE));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (SchemaMigrations.latest() + 1));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobStore.open(dir));
        assertTrue(e.getMessage().contains("newer batchwise"), e.getMessage());
    }

    @Test
    void open_twice_secondRefusedWhileFirstHoldsIt() {
        try (JobStore first = JobStore.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobStore.open(dir));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        JobStore.open(dir).close();
    }

    @Test
    void files_pagedWithCursor_newestFirst() {
        try (JobStore store = JobStore.open(dir)) {
            for (int i = 0; i < 5; i++) {
                store.insertFile(new StoredFile("file-" + i, i == 2 ? "batch_output" : "batch", "f" + i, i, 100 + i));
            }
            Page<StoredFile> first = store.files(null, null, 2, false);
            assertEquals(List.of("file-4", "file-3"), first.data().stream().map(StoredFile::id).toList());
            assertTrue(first.hasMore());
            Page<StoredFile> rest = store.files(null, "file-3", 10, false);
            assertEquals(List.of("file-2", "file-1", "file-0"), rest.data().stream().map(StoredFile::id).toList());
            assertFalse(rest.hasMore());
            assertEquals(List.of("file-0", "file-1", "file-3", "file-4"),
                    store.files("batch", null, 10, true).data().stream().map(StoredFile::id).toList());
            assertThrows(UnknownId.class, () -> store.files(null, "file-nope", 10, false));
        }
    }

    @Test
    void batchLifecycle_checkpointAndFinish_visibleInSnapshot() {
        try (JobStore store = JobStore.open(dir)) {
            store.insertBatch("batch_a", "/v1/embeddings", "file-in", "1h", Map.of("k", "v"), 10, 3610);
            assertTrue(store.startProgress("batch_a", 7, "file-out", "file-err", 11));
            assertFalse(store.startProgress("batch_a", 7, "file-out", "file-err", 11));
            store.checkpoint("batch_a", new Checkpoint(100, 5, 80, 20, 4, 1));
            BatchJob mid = store.batch("batch_a").orElseThrow();
            assertEquals(new RequestCounts(7, 4, 1), mid.counts());
            assertEquals(null, mid.outputFileId());
            assertEquals(new Checkpoint(100, 5, 80, 20, 4, 1), store.work("batch_a").checkpoint());
            assertEquals(List.of("batch_a"), store.unfinished());
            assertTrue(store.beginFinalizing("batch_a", BatchStatus.COMPLETED, 12));
            store.finish("batch_a", BatchStatus.COMPLETED, 13,
                    new StoredFile("file-out", "batch_output", "o.jsonl", 80, 13), null);
            BatchJob done = store.batch("batch_a").orElseThrow();
            assertEquals(BatchStatus.COMPLETED, done.status());
            assertEquals("file-out", done.outputFileId());
            assertEquals(null, done.errorFileId());
            assertEquals(13L, done.times().completedAt());
            assertEquals(Map.of("k", "v"), done.metadata());
            assertEquals(80, store.file("file-out").orElseThrow().bytes());
            assertTrue(store.unfinished().isEmpty());
            assertFalse(store.requestCancel("batch_a", 14));
        }
    }

    @Test
    void failValidation_keepsErrors() {
        try (JobStore store = JobStore.open(dir)) {
            store.insertBatch("batch_b", "/v1/embeddings", "file-in", "24h", Map.of(), 10, 20);
            BatchError e = new BatchError("duplicate_custom_id", "dup", "custom_id", 3);
            assertTrue(store.failValidation("batch_b", List.of(e), 3, 11));
            BatchJob b = store.batch("batch_b").orElseThrow();
            assertEquals(BatchStatus.FAILED, b.status());
            assertEquals(List.of(e), b.errors());
            assertEquals(11L, b.times().failedAt());
        }
    }
}
