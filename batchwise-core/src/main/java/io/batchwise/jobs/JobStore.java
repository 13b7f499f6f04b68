package io.batchwise.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable state of files and batches: an embedded SQLite database in write-ahead-log mode
 * with full sync, so a committed checkpoint survives {@code kill -9} and power loss. One process
 * owns a store at a time (an exclusive lock file), and one connection serves all threads.
 */
public final class JobStore implements AutoCloseable {
    static final String DB_FILE = "batchwise.db";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BATCH_COLUMNS = "id, endpoint, input_file_id, completion_window, status, errors,"
            + " metadata, output_file_id, error_file_id, created_at, in_progress_at, expires_at, finalizing_at,"
            + " completed_at, failed_at, expired_at, cancelling_at, cancelled_at, total, completed, failed";

    private final Path dir;
    private final Connection db;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean closed;

    private JobStore(Path dir, Connection db, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.db = db;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating or upgrading) the store in {@code dir}. */
    public static JobStore open(Path dir) {
        return open(dir, SchemaMigrations.latest());
    }

    static JobStore open(Path dir, int schemaVersion) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this very process
            }
            if (lock == null) {
                throw new IllegalStateException("the job store " + dir + " is in use by another batchwise process");
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(DB_FILE));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
                s.execute("PRAGMA busy_timeout = 5000");
            }
            SchemaMigrations.migrate(c, schemaVersion);
            return new JobStore(dir, c, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open the job store in " + dir, e);
        } catch (SQLException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot open the job store in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /** The directory the store lives in. */
    public Path dir() {
        return dir;
    }

    /** The schema version of the open database. */
    public synchronized int schemaVersion() {
        return sql(() -> SchemaMigrations.version(db));
    }

    // ---- files -------------------------------------------------------------------------------

    synchronized void insertFile(StoredFile f) {
        sql(() -> {
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT INTO files (id, purpose, filename, bytes, created_at) VALUES (?, ?, ?, ?, ?)")) {
                bindFile(p, f);
                return p.executeUpdate();
            }
        });
    }

    private static void bindFile(PreparedStatement p, StoredFile f) throws SQLException {
        p.setString(1, f.id());
        p.setString(2, f.purpose());
        p.setString(3, f.filename());
        p.setLong(4, f.bytes());
        p.setLong(5, f.createdAt());
    }

    /** A file's metadata, if it exists. */
    public synchronized Optional<StoredFile> file(String id) {
        return sql(() -> {
            try (PreparedStatement p = db.prepareStatement(
                    "SELECT id, purpose, filename, bytes, created_at FROM files WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(file(r)) : Optional.empty();
                }
            }
        });
    }

    private static StoredFile file(ResultSet r) throws SQLException {
        return new StoredFile(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5));
    }

    /**
     * Files, newest first unless {@code ascending}, optionally of one purpose, after the file
     * {@code after} (a cursor: the last id of the previous page).
     */
    public synchronized Page<StoredFile> files(String purpose, String after, int limit, boolean ascending) {
        return sql(() -> {
            long cursor = after == null ? (ascending ? 0 : Long.MAX_VALUE) : seqOf("files", after);
            String sql = "SELECT id, purpose, filename, bytes, created_at FROM files WHERE "
                    + (ascending ? "seq > ?" : "seq < ?") + (purpose == null ? "" : " AND purpose = ?")
                    + " ORDER BY seq " + (ascending ? "ASC" : "DESC") + " LIMIT ?";
            try (PreparedStatement p = db.prepareStatement(sql)) {
                int i = 1;
                p.setLong(i++, cursor);
                if (purpose != null) {
                    p.setString(i++, purpose);
                }
                p.setInt(i, limit + 1);
                List<StoredFile> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(file(r));
                    }
                }
                boolean more = out.size() > limit;
                return new Page<>(more ? out.subList(0, limit) : out, more);
            }
        });
    }

    private long seqOf(String table, String id) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT seq FROM " + table + " WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    throw new UnknownId("'after' names no " + (table.equals("files") ? "file" : "batch") + ": '"
                            + id + "'");
                }
                return r.getLong(1);
            }
        }
    }

    synchronized boolean deleteFile(String id) {
        return sql(() -> {
            try (PreparedStatement p = db.prepareStatement("DELETE FROM files WHERE id = ?")) {
                p.setString(1, id);
                return p.executeUpdate() > 0;
            }
        });
    }

    /** The id of an unfinished batch reading the file, or null. */
    synchronized String batchReading(String fileId) {
        return sql(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT id FROM batches WHERE input_file_id = ? AND status"
                    + " IN ('validating', 'in_progress', 'finalizing', 'cancelling') LIMIT 1")) {
                p.setString(1, fileId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }

    // ---- batches -----------------------------------------------------------------------------

    synchronized void insertBatch(String id, String endpoint, String inputFileId, String window,
                                  Map<String, String> metadata, long createdAt, long expiresAt) {
        sql(() -> {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO batches (id, endpoint, input_file_id,"
                    + " completion_window, status, metadata, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, id);
                p.setString(2, endpoint);
                p.setString(3, inputFileId);
                p.setString(4, window);
                p.setString(5, BatchStatus.VALIDATING.wireName());
                p.setString(6, json(metadata));
                p.setLong(7, createdAt);
                p.setLong(8, expiresAt);
                return p.executeUpdate();
            }
        });
    }

    /** A batch, if it exists. */
    public synchronized Optional<BatchJob> batch(String id) {
        return sql(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT " + BATCH_COLUMNS + " FROM batches WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(batch(r)) : Optional.empty();
                }
            }
        });
    }

    /** Batches, newest first, after the batch {@code after} (the last id of the previous page). */
    public synchronized Page<BatchJob> batches(String after, int limit) {
        return sql(() -> {
            long cursor = after == null ? Long.MAX_VALUE : seqOf("batches", after);
            try (PreparedStatement p = db.prepareStatement("SELECT " + BATCH_COLUMNS
                    + " FROM batches WHERE seq < ? ORDER BY seq DESC LIMIT ?")) {
                p.setLong(1, cursor);
                p.setInt(2, limit + 1);
                List<BatchJob> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(batch(r));
                    }
                }
                boolean more = out.size() > limit;
                return new Page<>(more ? out.subList(0, limit) : out, more);
            }
        });
    }

    /** Ids of batches not yet in a terminal status, oldest first. */
    synchronized List<String> unfinished() {
        return sql(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT id FROM batches WHERE status IN ('validating',"
                    + " 'in_progress', 'finalizing', 'cancelling') ORDER BY seq")) {
                List<String> ids = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    private static BatchJob batch(ResultSet r) throws SQLException {
        BatchStatus status = BatchStatus.of(r.getString(5));
        List<BatchError> errors = r.getString(6) == null ? List.of()
                : read(r.getString(6), new TypeReference<List<BatchError>>() { });
        Map<String, String> metadata = r.getString(7) == null ? Map.of()
                : read(r.getString(7), new TypeReference<Map<String, String>>() { });
        BatchTimes times = new BatchTimes(r.getLong(10), longOrNull(r, 11), longOrNull(r, 12), longOrNull(r, 13),
                longOrNull(r, 14), longOrNull(r, 15), longOrNull(r, 16), longOrNull(r, 17), longOrNull(r, 18));
        return new BatchJob(r.getString(1), r.getString(2), r.getString(3), r.getString(4), status,
                r.getString(8), r.getString(9), errors, metadata, times,
                new RequestCounts(r.getLong(19), r.getLong(20), r.getLong(21)));
    }

    private static Long longOrNull(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    /** validating → in_progress with its total and reserved output ids; false if no longer validating. */
    synchronized boolean startProgress(String id, long total, String outputId, String errorId, long now) {
        return update("UPDATE batches SET status = 'in_progress', in_progress_at = ?, total = ?, work_output_id = ?,"
                + " work_error_id = ? WHERE id = ? AND status = 'validating'", now, total, outputId, errorId, id) > 0;
    }

    /** validating → failed with its validation errors; false if no longer validating. */
    synchronized boolean failValidation(String id, List<BatchError> errors, long total, long now) {
        return update("UPDATE batches SET status = 'failed', failed_at = ?, errors = ?, total = ? WHERE id = ?"
                + " AND status = 'validating'", now, json(errors), total, id) > 0;
    }

    /** Marks a batch that could not run at all (internal error) as failed. */
    synchronized void failInternally(String id, BatchError error, long now) {
        update("UPDATE batches SET status = 'failed', failed_at = ?, errors = ? WHERE id = ? AND status NOT IN"
                + " ('completed', 'failed', 'expired', 'cancelled')", now, json(List.of(error)), id);
    }

    /** validating or in_progress → cancelling; false when the batch was in another status. */
    synchronized boolean requestCancel(String id, long now) {
        return update("UPDATE batches SET status = 'cancelling', cancelling_at = ? WHERE id = ?"
                + " AND status IN ('validating', 'in_progress')", now, id) > 0;
    }

    /** Commits how far a batch got (atomically with its request counts). */
    synchronized void checkpoint(String id, Checkpoint cp) {
        update("UPDATE batches SET input_offset = ?, lines_done = ?, output_bytes = ?, error_bytes = ?, completed = ?,"
                        + " failed = ? WHERE id = ?", cp.inputOffset(), cp.lines(), cp.outputBytes(), cp.errorBytes(),
                cp.completed(), cp.failed(), id);
    }

    synchronized JobWork work(String id) {
        return sql(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT work_output_id, work_error_id, input_offset,"
                    + " lines_done, output_bytes, error_bytes, completed, failed, outcome FROM batches WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        throw new UnknownId("no batch '" + id + "'");
                    }
                    Checkpoint cp = new Checkpoint(r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6),
                            r.getLong(7), r.getLong(8));
                    String outcome = r.getString(9);
                    return new JobWork(r.getString(1), r.getString(2), cp,
                            outcome == null ? null : BatchStatus.of(outcome));
                }
            }
        });
    }

    /** in_progress or cancelling → finalizing, remembering the status to end in. */
    synchronized boolean beginFinalizing(String id, BatchStatus outcome, long now) {
        return update("UPDATE batches SET status = 'finalizing', finalizing_at = ?, outcome = ? WHERE id = ?"
                + " AND status IN ('in_progress', 'cancelling')", now, outcome.wireName(), id) > 0;
    }

    /** finalizing → its outcome, publishing the output and error files (either may be null), in one transaction. */
    synchronized void finish(String id, BatchStatus outcome, long now, StoredFile output, StoredFile errors) {
        sql(() -> {
            db.setAutoCommit(false);
            try {
                for (StoredFile f : new StoredFile[] {output, errors}) {
                    if (f != null) {
                        try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO files (id, purpose,"
                                + " filename, bytes, created_at) VALUES (?, ?, ?, ?, ?)")) {
                            bindFile(p, f);
                            p.executeUpdate();
                        }
                    }
                }
                String at = switch (outcome) {
                    case COMPLETED -> "completed_at";
                    case EXPIRED -> "expired_at";
                    case CANCELLED -> "cancelled_at";
                    default -> throw new IllegalArgumentException("not an outcome: " + outcome);
                };
                update("UPDATE batches SET status = ?, " + at + " = ?, output_file_id = ?, error_file_id = ?"
                                + " WHERE id = ? AND status = 'finalizing'", outcome.wireName(), now,
                        output == null ? null : output.id(), errors == null ? null : errors.id(), id);
                db.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        });
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private int update(String sql, Object... args) {
        return sql(() -> {
            try (PreparedStatement p = db.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    Object a = args[i];
                    if (a == null) {
                        p.setNull(i + 1, Types.VARCHAR);
                    } else if (a instanceof Long l) {
                        p.setLong(i + 1, l);
                    } else if (a instanceof Integer n) {
                        p.setInt(i + 1, n);
                    } else {
                        p.setString(i + 1, a.toString());
                    }
                }
                return p.executeUpdate();
            }
        });
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt job store row: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run() throws SQLException;
    }

    private <T> T sql(Sql<T> body) {
        if (closed) {
            throw new IllegalStateException("the job store is closed");
        }
        try {
            return body.run();
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    /** Closes the database and releases the lock; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // released when the channel closes
        }
        closeQuietly(lockChannel);
    }
}
