package io.batchwise.jobs;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The job store's schema as an ordered list of migrations. The database records the version it
 * is at ({@code PRAGMA user_version}); opening it applies the missing steps, each in its own
 * transaction, so a store written by an older build is upgraded in place and one written by a
 * newer build is refused rather than misread. Steps are only ever appended, never edited.
 */
final class SchemaMigrations {
    static final List<List<String>> STEPS = List.of(
            // 1: uploaded and generated files; the bytes live on disk under their id
            List.of("""
                    CREATE TABLE files (
                        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                        id         TEXT    NOT NULL UNIQUE,
                        purpose    TEXT    NOT NULL,
                        filename   TEXT    NOT NULL,
                        bytes      INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    )"""),
            // 2: batches with their lifecycle and checkpoint (how far the output files are committed)
            List.of("""
                    CREATE TABLE batches (
                        seq               INTEGER PRIMARY KEY AUTOINCREMENT,
                        id                TEXT    NOT NULL UNIQUE,
                        endpoint          TEXT    NOT NULL,
                        input_file_id     TEXT    NOT NULL,
                        completion_window TEXT    NOT NULL,
                        status            TEXT    NOT NULL,
                        outcome           TEXT,
                        errors            TEXT,
                        metadata          TEXT,
                        work_output_id    TEXT,
                        work_error_id     TEXT,
                        output_file_id    TEXT,
                        error_file_id     TEXT,
                        created_at        INTEGER NOT NULL,
                        in_progress_at    INTEGER,
                        expires_at        INTEGER NOT NULL,
                        finalizing_at     INTEGER,
                        completed_at      INTEGER,
                        failed_at         INTEGER,
                        expired_at        INTEGER,
                        cancelling_at     INTEGER,
                        cancelled_at      INTEGER,
                        total             INTEGER NOT NULL DEFAULT 0,
                        completed         INTEGER NOT NULL DEFAULT 0,
                        failed            INTEGER NOT NULL DEFAULT 0,
                        input_offset      INTEGER NOT NULL DEFAULT 0,
                        lines_done        INTEGER NOT NULL DEFAULT 0,
                        output_bytes      INTEGER NOT NULL DEFAULT 0,
                        error_bytes       INTEGER NOT NULL DEFAULT 0
                    )"""),
            // 3: resume finds unfinished batches without a scan
            List.of("CREATE INDEX batches_status ON batches (status)"));

    private SchemaMigrations() {
    }

    static int latest() {
        return STEPS.size();
    }

    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** Brings the schema up to {@code target}; returns the version it was at. */
    static int migrate(Connection c, int target) throws SQLException {
        int from = version(c);
        if (from > latest()) {
            throw new IllegalStateException("the job store has schema version " + from + " but this batchwise knows"
                    + " versions up to " + latest() + "; it was written by a newer batchwise");
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (int v = from + 1; v <= target; v++) {
                try (Statement s = c.createStatement()) {
                    for (String sql : STEPS.get(v - 1)) {
                        s.execute(sql);
                    }
                    s.execute("PRAGMA user_version = " + v);
                }
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        return from;
    }
}
