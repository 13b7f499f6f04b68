package io.batchwise.jobs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
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
    /** A line's text (null when it is not valid UTF-8), its 1-based line number and the offset after it. */
    record Line(String text, long number, long end) {
    }

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final long maxLineBytes;
    private byte[] line = new byte[1024];
    private long position;
    private long number;
    private boolean eof;

    /**
     * @param offset       where to start (a line boundary from a checkpoint)
     * @param linesBefore  physical lines before {@code offset}, to number lines as in the file
     */
    LineReader(Path file, long offset, long linesBefore, long maxLineBytes) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.channel.position(offset);
        this.position = offset;
        this.number = linesBefore;
        this.maxLineBytes = maxLineBytes;
        buffer.flip();
    }

    /** The next non-blank line, or null at the end of the file. */
    Line next() throws IOException {
        while (true) {
            int length = readLine();
            if (length < 0) {
                return null;
            }
            number++;
            int end = length;
            if (end > 0 && line[end - 1] == '\r') {
                end--;
            }
            if (blank(line, end)) {
                continue;
            }
            String text;
            try {
                CharBuffer chars = utf8.decode(ByteBuffer.wrap(line, 0, end));
                text = chars.toString();
            } catch (CharacterCodingException e) {
                text = null;
            }
            return new Line(text, number, position);
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

    /** Reads up to and excluding the next newline into {@link #line}; -1 at end of file. */
    private int readLine() throws IOException {
        if (eof && !buffer.hasRemaining()) {
            return -1;
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
                    return any ? n : -1;
                }
                continue;
            }
            any = true;
            byte b = buffer.get();
            position++;
            if (b == '\n') {
                return n;
            }
            if (n == line.length) {
                if (n >= maxLineBytes) {
                    throw new LineTooLong(number + 1, maxLineBytes);
                }
                line = Arrays.copyOf(line, (int) Math.min(Integer.MAX_VALUE - 8, (long) n * 2));
            }
            line[n++] = b;
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
