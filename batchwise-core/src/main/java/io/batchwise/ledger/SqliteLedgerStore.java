package io.batchwise.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger's history in an embedded SQLite file (WAL mode). One table of usage rows keyed by
 * bucket, account and dimension; {@code PRAGMA user_version} carries the schema version so later
 * versions can migrate it. Calls are serialized on one connection: the ledger saves a few rows
 * every few seconds, never on the run path.
 */
final class SqliteLedgerStore implements LedgerStore {
    private static final int SCHEMA_VERSION = 1;
    private static final String UPSERT = "INSERT OR REPLACE INTO ledger_usage (bucket_start_ms, model, instance, pool,"
            + " slots, rate_per_hour, category, dimension, key, rows, runs, nanos) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";

    private final Path file;
    private final Connection db;
    private boolean closed;

    private SqliteLedgerStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    static SqliteLedgerStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
            }
            migrate(db, file);
            return new SqliteLedgerStore(file, db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the ledger store " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + file, e);
        }
    }

    private static void migrate(Connection db, Path file) throws SQLException {
        int version;
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            version = r.next() ? r.getInt(1) : 0;
        }
        if (version > SCHEMA_VERSION) {
            throw new IllegalStateException(file + " was written by a newer batchwise (ledger schema " + version
                    + ", this one knows " + SCHEMA_VERSION + ")");
        }
        if (version < 1) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE ledger_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE ledger_usage ("
                        + " bucket_start_ms INTEGER NOT NULL, model TEXT NOT NULL, instance INTEGER NOT NULL,"
                        + " pool TEXT NOT NULL, slots INTEGER NOT NULL, rate_per_hour REAL NOT NULL, category TEXT,"
                        + " dimension TEXT NOT NULL, key TEXT NOT NULL,"
                        + " rows INTEGER NOT NULL, runs INTEGER NOT NULL, nanos INTEGER NOT NULL,"
                        + " PRIMARY KEY (bucket_start_ms, model, instance, pool, slots, rate_per_hour, dimension, key))");
                s.execute("PRAGMA user_version = 1");
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
    }

    @Override
    public synchronized List<UsageRow> load() {
        List<UsageRow> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT bucket_start_ms, model, instance,"
                + " pool, slots, rate_per_hour, category, dimension, key, rows, runs, nanos FROM ledger_usage"
                + " ORDER BY bucket_start_ms")) {
            while (r.next()) {
                rows.add(new UsageRow(r.getLong(1), r.getString(2), r.getInt(3), r.getString(4), r.getInt(5),
                        r.getDouble(6), r.getString(7), r.getString(8), r.getString(9), r.getLong(10), r.getLong(11),
                        r.getLong(12)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger store " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    @Override
    public synchronized void save(List<UsageRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            db.setAutoCommit(false);
            try (PreparedStatement p = db.prepareStatement(UPSERT)) {
                for (UsageRow r : rows) {
                    p.setLong(1, r.bucketStartMillis());
                    p.setString(2, r.model());
                    p.setInt(3, r.instance());
                    p.setString(4, r.pool());
                    p.setInt(5, r.slots());
                    p.setDouble(6, r.ratePerHour());
                    if (r.category() == null) {
                        p.setNull(7, Types.VARCHAR);
                    } else {
                        p.setString(7, r.category());
                    }
                    p.setString(8, r.dimension());
                    p.setString(9, r.key());
                    p.setLong(10, r.rows());
                    p.setLong(11, r.runs());
                    p.setLong(12, r.nanos());
                    p.addBatch();
                }
                p.executeBatch();
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save to the ledger store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long bucketMillis() {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM ledger_meta WHERE name = 'bucket_ms'");
             ResultSet r = p.executeQuery()) {
            return r.next() ? Long.parseLong(r.getString(1)) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void bucketMillis(long millis) {
        try (PreparedStatement p = db.prepareStatement(
                "INSERT OR REPLACE INTO ledger_meta (name, value) VALUES ('bucket_ms', ?)")) {
            p.setString(1, Long.toString(millis));
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the ledger store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } catch (SQLException e) {
            // Closing releases the file either way; nothing is pending (saves commit).
        }
    }
}
