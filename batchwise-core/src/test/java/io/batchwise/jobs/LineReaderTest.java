package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineReaderTest {
    @TempDir
    Path dir;

    private Path write(byte[] content) throws Exception {
        Path f = dir.resolve("in.jsonl");
        Files.write(f, content);
        return f;
    }

    /** Lines of every length around the 64 KiB read buffer, some blank, CRLF, non-ASCII or not UTF-8. */
    @Test
    void next_linesAcrossBufferRefills_sameAsSplittingTheFile() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<byte[]> expected = new ArrayList<>();
        List<Boolean> utf8 = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (int k = 1; k <= 60; k++) {
            int kind = r.nextInt(8);
            int length = r.nextInt(4) == 0 ? r.nextInt(60_000, 140_000) : r.nextInt(0, 3000);
            byte[] line = new byte[length];
            for (int i = 0; i < length; i++) {
                line[i] = (byte) ('a' + r.nextInt(26));
            }
            if (kind == 0 && length > 2) {
                line[r.nextInt(length - 1)] = (byte) 0xff; // not UTF-8
            } else if (kind == 1 && length > 2) {
                int at = r.nextInt(length - 1);
                line[at] = (byte) 0xc3; // é
                line[at + 1] = (byte) 0xa9;
            }
            boolean blank = kind == 2 || length == 0;
            if (blank) {
                line = "  \t".getBytes(StandardCharsets.US_ASCII);
            }
            file.writeBytes(line);
            file.writeBytes(kind == 3 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            if (!blank) {
                expected.add(line);
                utf8.add(kind != 0 || length <= 2);
                numbers.add((long) k);
                ends.add((long) file.size());
            }
        }
        file.writeBytes("last line without a newline".getBytes(StandardCharsets.US_ASCII));
        try (LineReader in = new LineReader(write(file.toByteArray()), 0, 0, 1 << 20)) {
            for (int i = 0; i < expected.size(); i++) {
                LineReader.Line l = in.next();
                assertArrayEquals(expected.get(i), l.bytes(), "line " + numbers.get(i));
                assertEquals(utf8.get(i), l.utf8(), "utf8 of line " + numbers.get(i));
                assertEquals(numbers.get(i), l.number());
                assertEquals(ends.get(i), l.end());
            }
            LineReader.Line last = in.next();
            assertEquals("last line without a newline", new String(last.bytes(), StandardCharsets.US_ASCII));
            assertEquals(file.size(), last.end());
            assertNull(in.next());
        }
    }

    @Test
    void next_invalidUtf8_flagged() throws Exception {
        try (LineReader in = new LineReader(write(new byte[] {'{', (byte) 0xc3, '}', '\n', '{', (byte) 0xc3, (byte) 0xa9,
                '}', '\n'}), 0, 0, 100)) {
            assertFalse(in.next().utf8());
            assertTrue(in.next().utf8());
        }
    }

    @Test
    void next_lineOverTheLimit_throwsWithItsNumber() throws Exception {
        byte[] content = ("ok\n" + "x".repeat(101) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (LineReader in = new LineReader(write(content), 0, 0, 100)) {
            assertEquals("ok", new String(in.next().bytes(), StandardCharsets.US_ASCII));
            LineReader.LineTooLong e = assertThrows(LineReader.LineTooLong.class, in::next);
            assertEquals(2, e.line);
        }
        byte[] exact = ("x".repeat(100) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (LineReader in = new LineReader(write(exact), 0, 0, 100)) {
            assertEquals(100, in.next().bytes().length);
        }
    }

    @Test
    void next_fromAnOffset_resumesThere() throws Exception {
        byte[] content = "a\nbb\n\nccc\n".getBytes(StandardCharsets.US_ASCII);
        try (LineReader in = new LineReader(write(content), 2, 1, 100)) {
            LineReader.Line l = in.next();
            assertEquals("bb", new String(l.bytes(), StandardCharsets.US_ASCII));
            assertEquals(2, l.number());
            LineReader.Line c = in.next();
            assertEquals("ccc", new String(c.bytes(), StandardCharsets.US_ASCII));
            assertEquals(4, c.number());
            assertEquals(content.length, c.end());
            assertNull(in.next());
        }
    }

    /** A validated file's lines were checked whole before the run; the run's reader does not look again. */
    @Test
    void next_validatedFile_takesLinesAsUtf8WithoutChecking() throws Exception {
        byte[] content = {'a', (byte) 0xff, '\n'};
        try (LineReader in = new LineReader(write(content), 0, 0, 100)) {
            assertFalse(in.next().utf8());
        }
        try (LineReader in = new LineReader(write(content), 0, 0, 100, true)) {
            assertTrue(in.next().utf8());
        }
    }

    @Test
    void upTo_consecutiveParts_returnEachLineOnce() throws Exception {
        String content = "{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}\n{\"d\":4}";
        Path f = write(content.getBytes(StandardCharsets.US_ASCII));
        long boundary = content.indexOf("{\"c\"");
        List<String> seen = new ArrayList<>();
        try (LineReader first = new LineReader(f, 0, 0, 100).upTo(boundary);
             LineReader second = new LineReader(f, boundary, 0, 100)) {
            for (LineReader in : List.of(first, second)) {
                LineReader.Line l;
                while ((l = in.next()) != null) {
                    seen.add(new String(l.bytes(), StandardCharsets.US_ASCII) + "@" + l.end());
                }
            }
        }
        assertEquals(List.of("{\"a\":1}@8", "{\"b\":2}@18", "{\"c\":3}@26", "{\"d\":4}@33"), seen);
    }
}
