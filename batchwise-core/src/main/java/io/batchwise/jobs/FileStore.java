package io.batchwise.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * File contents on disk, each under its generated id ({@code dir/files/<id>}), never under a
 * client-given name; metadata in the {@link JobStore}. A file appears in listings only once its
 * bytes are complete: uploads are written aside and moved in, batch outputs are published when
 * their batch ends.
 */
public final class FileStore {
    /** The purpose of input files of batches. */
    public static final String PURPOSE_BATCH = "batch";
    /** The purpose of the output and error files batches produce. */
    public static final String PURPOSE_BATCH_OUTPUT = "batch_output";

    private final JobStore store;
    private final Path dir;
    private final Clock clock;

    public FileStore(JobStore store, Clock clock) {
        this.store = store;
        this.dir = store.dir().resolve("files");
        this.clock = clock;
        try {
            Files.createDirectories(dir);
            Files.createDirectories(incoming());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** A directory on the same disk for uploads in progress (so adopting them is a rename). */
    public Path incoming() {
        return dir.resolve("incoming");
    }

    /** Moves a complete file in under a new id. */
    public StoredFile adopt(Path source, String purpose, String filename) {
        String id = Ids.file();
        Path target = path(id);
        try {
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(source, target);
            }
            StoredFile f = new StoredFile(id, purpose, filename, Files.size(target), now());
            store.insertFile(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + filename, e);
        }
    }

    /** Copies a stream in under a new id. */
    public StoredFile copyIn(InputStream in, String purpose, String filename) {
        try {
            Path tmp = Files.createTempFile(incoming(), "copy-", ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return adopt(tmp, purpose, filename);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + filename, e);
        }
    }

    /** A file's metadata. @throws UnknownId when there is no such file */
    public StoredFile get(String id) {
        return store.file(id).orElseThrow(() -> new UnknownId("no file '" + id + "'"));
    }

    /** Where a listed file's bytes are. @throws UnknownId when there is no such file */
    public Path content(String id) {
        get(id);
        return path(id);
    }

    /** Listing, newest first unless {@code ascending}. */
    public Page<StoredFile> list(String purpose, String after, int limit, boolean ascending) {
        return store.files(purpose, after, limit, ascending);
    }

    /**
     * Deletes a file's metadata and bytes.
     *
     * @throws UnknownId   when there is no such file
     * @throws JobConflict when an unfinished batch reads it
     */
    public void delete(String id) {
        get(id);
        String reader = store.batchReading(id);
        if (reader != null) {
            throw new JobConflict("file '" + id + "' is the input of batch '" + reader
                    + "', which has not finished; cancel it or wait");
        }
        store.deleteFile(id);
        try {
            Files.deleteIfExists(path(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the bytes of " + id, e);
        }
    }

    /** Where the bytes of a file with this generated id are (listed or not yet). */
    Path path(String id) {
        if (!Ids.safe(id)) {
            throw new UnknownId("no file '" + id + "'");
        }
        return dir.resolve(id);
    }

    long now() {
        return clock.instant().getEpochSecond();
    }
}
