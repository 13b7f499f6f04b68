package io.batchwise.jobs;

/**
 * A stored file's metadata; its bytes live under the file store, named by {@code id}.
 *
 * @param filename  the name the client gave (kept for display, never used as a path)
 * @param createdAt seconds since the epoch
 */
public record StoredFile(String id, String purpose, String filename, long bytes, long createdAt) {
}
