package io.batchwise.jobs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Streams the lines of a JSONL file from a byte offset, reporting the exact byte offset after
 * each line, so a checkpoint can name the point to resume from. Blank lines are skipped (they
 * carry no request); {@code \r\n} endings are accepted. Only one line is held in memory.
 */
final class LineReader implements AutoCloseable {
    /**
     * A line: its bytes (a private copy, without the line ending), whether they are valid UTF-8,
     * its 1-based line number and the offset after it.
     */
    record Line(byte[] bytes, boolean utf8, long number, long end) {
        /** The text, or null when the bytes are not valid UTF-8. */
        String text() {
            return utf8 ? new String(bytes, StandardCharsets.UTF_8) : null;
        }
    }

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final long maxLineBytes;
    /** The file passed {@link BatchValidator}, so its lines are known to be UTF-8. */
    private final boolean validated;
    /** Where a line that spans buffer refills is put together. */
    private byte[] line = new byte[1024];
    private long position;
    private long number;
    private boolean eof;
    /** Where the lines this reader returns end: a line boundary, or the end of the file. */
    private long end = Long.MAX_VALUE;

    /**
     * @param offset       where to start (a line boundary from a checkpoint)
     * @param linesBefore  physical lines before {@code offset}, to number lines as in the file
     */
    LineReader(Path file, long offset, long linesBefore, long maxLineBytes) throws IOException {
        this(file, offset, linesBefore, maxLineBytes, false);
    }

    /**
     * @param validated the file passed {@link BatchValidator} (files are never changed once
     *                  stored), so each line's UTF-8 need not be checked again
     */
    LineReader(Path file, long offset, long linesBefore, long maxLineBytes, boolean validated) throws IOException {
        this.validated = validated;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.channel.position(offset);
        this.position = offset;
        this.number = linesBefore;
        this.maxLineBytes = maxLineBytes;
        buffer.flip();
    }

    /**
     * Returns no line that starts at or after {@code end}, a line boundary (the offset after a
     * newline), so that readers of consecutive parts of a file see each line once.
     */
    LineReader upTo(long end) {
        this.end = end;
        return this;
    }

    /** The next non-blank line, or null at the end of the file (or of the part, see {@link #upTo}). */
    Line next() throws IOException {
        while (true) {
            if (position >= end) {
                return null;
            }
            byte[] b = readLine();
            if (b == null) {
                return null;
            }
            number++;
            int end = b.length;
            if (end > 0 && b[end - 1] == '\r') {
                end--;
            }
            if (blank(b, end)) {
                continue;
            }
            byte[] bytes = end == b.length ? b : Arrays.copyOf(b, end);
            return new Line(bytes, validUtf8(bytes), number, position);
        }
    }

    /** JSON lines are nearly always ASCII; only others pay for a strict decode. */
    private boolean validUtf8(byte[] b) {
        if (validated || ByteSearch.ascii(b, 0, b.length)) {
            return true;
        }
        try {
            utf8.decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Physical lines read so far (blank ones included). */
    long lineNumber() {
        return number;
    }

    /** The byte offset after the last line returned. */
    long offset() {
        return position;
    }

    private static boolean blank(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes up to and excluding the next newline, in an array of their own; null at the end of
     * the file. A line that lies whole in the buffer (most do) is copied once, straight out of it.
     */
    private byte[] readLine() throws IOException {
        if (eof && !buffer.hasRemaining()) {
            return null;
        }
        byte[] buf = buffer.array();
        if (buffer.hasRemaining()) {
            int from = buffer.position();
            int nl = ByteSearch.indexOf(buf, from, buffer.limit(), '\n');
            if (nl < buffer.limit() && nl - from <= maxLineBytes) {
                buffer.position(nl + 1);
                position += nl - from + 1;
                return Arrays.copyOfRange(buf, from, nl);
            }
        }
        int n = 0;
        boolean any = false;
        while (true) {
            if (!buffer.hasRemaining()) {
                buffer.clear();
                int read = channel.read(buffer);
                buffer.flip();
                if (read < 0) {
                    eof = true;
                    return any ? Arrays.copyOf(line, n) : null;
                }
                continue;
            }
            any = true;
            int from = buffer.position();
            int limit = buffer.limit();
            int nl = ByteSearch.indexOf(buf, from, limit, '\n');
            int chunk = nl - from;
            if ((long) n + chunk > maxLineBytes) {
                throw new LineTooLong(number + 1, maxLineBytes);
            }
            if (n + chunk > line.length) {
                line = Arrays.copyOf(line, Math.max(n + chunk, Math.min(Integer.MAX_VALUE - 8, line.length * 2)));
            }
            System.arraycopy(buf, from, line, n, chunk);
            n += chunk;
            if (nl < limit) {
                buffer.position(nl + 1);
                position += chunk + 1;
                return Arrays.copyOf(line, n);
            }
            buffer.position(limit);
            position += chunk;
        }
    }

    /** A line longer than the limit: the file is not a JSONL batch file. */
    static final class LineTooLong extends IOException {
        final long line;

        LineTooLong(long line, long max) {
            super("line " + line + " is longer than " + max + " bytes");
            this.line = line;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
