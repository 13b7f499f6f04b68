package io.batchwise.jobs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An output file that only grows, from a committed size: opening it cuts off whatever was
 * written after the last checkpoint (a line half-written when the process died, or lines whose
 * checkpoint never committed), and {@link #commit()} makes everything written so far durable
 * before the checkpoint that counts it is recorded.
 */
final class AppendLog implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long size;

    private AppendLog(FileChannel channel, long size) {
        this.channel = channel;
        this.size = size;
    }

    /** Opens (creating) {@code file} and truncates it to {@code committed} bytes. */
    static AppendLog open(Path file, long committed) throws IOException {
        FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            if (c.size() < committed) {
                throw new IOException(file + " holds " + c.size() + " bytes but its checkpoint counts " + committed);
            }
            c.truncate(committed);
            c.position(committed);
            return new AppendLog(c, committed);
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** Appends bytes (buffered). */
    void write(byte[] bytes) throws IOException {
        int off = 0;
        while (off < bytes.length) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int n = Math.min(buffer.remaining(), bytes.length - off);
            buffer.put(bytes, off, n);
            off += n;
        }
        size += bytes.length;
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Writes out the buffer and forces the bytes to disk; returns the durable size. */
    long commit() throws IOException {
        drain();
        channel.force(false);
        return size;
    }

    /** Bytes written, committed or not. */
    long size() {
        return size;
    }

    /** Closes without forcing: anything not committed may be lost, which resume tolerates. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
