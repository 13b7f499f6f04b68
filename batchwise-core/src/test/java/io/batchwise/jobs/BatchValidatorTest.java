package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BatchValidatorTest {
    private static final String ENDPOINT = "/v2/models/tiny/infer";

    @TempDir
    Path dir;

    private BatchValidator.Result validate(String content) throws IOException {
        return validate(content, 50_000);
    }

    private BatchValidator.Result validate(String content, long maxLines) throws IOException {
        Path f = dir.resolve("in.jsonl");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return new BatchValidator(maxLines, 1 << 20).validate(f, ENDPOINT);
    }

    private static String line(String id) {
        return "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"" + ENDPOINT + "\",\"body\":{\"x\":[1]}}\n";
    }

    @Test
    void validate_wellFormedFile_countsLinesAndSkipsBlankOnes() throws IOException {
        BatchValidator.Result r = validate(line("a") + "\n  \n" + line("b") + line("c").trim());
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(3, r.lines());
    }

    /** The run reuses these in place of {@link InputLine#bodyExtent}, so they must agree with it. */
    @Test
    void validate_recordsEachLinesBody_asBodyExtentFindsIt() throws IOException {
        String odd = "{\"custom_id\":\"d\",\"body\":{\"x\":[1.5e3,\"}\"]},\"method\":\"POST\",\"url\":\""
                + ENDPOINT + "\"}";
        String[] lines = {line("a"), line("b").replace("{\"x\"", " { \"x\""), line("c"), odd};
        Path f = dir.resolve("in.jsonl");
        Files.writeString(f, lines[0] + "\n" + lines[1] + lines[2] + odd + "\n", StandardCharsets.UTF_8);
        BodyExtents bodies = new BodyExtents();
        assertTrue(new BatchValidator(50_000, 1 << 20).validate(f, ENDPOINT, () -> false, bodies).ok());
        for (int i = 0; i < lines.length; i++) {
            byte[] bytes = lines[i].trim().getBytes(StandardCharsets.UTF_8);
            int[] found = bodies.get(i);
            if (found != null) {
                assertArrayEquals(InputLine.bodyExtent(bytes), found, lines[i]);
            }
        }
        assertNotNull(bodies.get(0), "a plain line's body is found");
        assertNotNull(bodies.get(3), "and one not last in its line");
    }

    @Test
    void validate_crlfLineEndings_accepted() throws IOException {
        assertTrue(validate(line("a").replace("\n", "\r\n") + line("b").replace("\n", "\r\n")).ok());
    }

    @Test
    void validate_badJsonLine_failsWithItsLineNumber() throws IOException {
        List<BatchError> errors = validate(line("a") + "{not json\n" + line("c")).errors();
        assertEquals(1, errors.size());
        assertEquals("invalid_json_line", errors.get(0).code());
        assertEquals(2, errors.get(0).line());
    }

    @Test
    void validate_duplicateCustomId_fails() throws IOException {
        List<BatchError> errors = validate(line("a") + line("b") + line("a")).errors();
        assertEquals(1, errors.size());
        assertEquals("duplicate_custom_id", errors.get(0).code());
        assertEquals(3, errors.get(0).line());
        assertEquals("custom_id", errors.get(0).param());
    }

    @Test
    void validate_urlNotMatchingEndpoint_fails() throws IOException {
        String other = line("b").replace(ENDPOINT, "/v1/embeddings");
        List<BatchError> errors = validate(line("a") + other).errors();
        assertEquals(1, errors.size());
        assertEquals("mismatched_endpoint", errors.get(0).code());
        assertEquals(2, errors.get(0).line());
    }

    @Test
    void validate_methodOtherThanPost_fails() throws IOException {
        assertEquals("invalid_method", validate(line("a").replace("POST", "GET")).errors().get(0).code());
    }

    @Test
    void validate_missingFields_failNamingTheField() throws IOException {
        List<BatchError> errors = validate("{\"method\":\"POST\",\"url\":\"" + ENDPOINT + "\",\"body\":{}}\n"
                + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"" + ENDPOINT + "\"}\n"
                + "[1,2]\n").errors();
        assertEquals(3, errors.size());
        assertEquals("custom_id", errors.get(0).param());
        assertEquals("body", errors.get(1).param());
        assertEquals("invalid_json_line", errors.get(2).code());
    }

    @Test
    void validate_invalidUtf8_fails() throws IOException {
        Path f = dir.resolve("bin.jsonl");
        Files.write(f, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}', '\n'});
        List<BatchError> errors = new BatchValidator(10, 1 << 20).validate(f, ENDPOINT).errors();
        assertEquals("invalid_json_line", errors.get(0).code());
    }

    @Test
    void validate_emptyFile_fails() throws IOException {
        assertEquals("empty_file", validate("\n\n").errors().get(0).code());
    }

    @Test
    void validate_moreLinesThanTheLimit_fails() throws IOException {
        List<BatchError> errors = validate(line("a") + line("b") + line("c"), 2).errors();
        assertEquals("too_many_requests", errors.get(0).code());
    }

    @Test
    void validate_manyBadLines_listsAtMostTheCap() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < BatchValidator.MAX_ERRORS + 50; i++) {
            b.append("oops\n");
        }
        List<BatchError> errors = validate(b.toString()).errors();
        assertEquals(BatchValidator.MAX_ERRORS + 1, errors.size());
        assertEquals("too_many_errors", errors.get(errors.size() - 1).code());
    }

    @Test
    void validate_lineOverTheByteLimit_fails() throws IOException {
        Path f = dir.resolve("long.jsonl");
        Files.writeString(f, line("a") + "{\"custom_id\":\"" + "x".repeat(5000) + "\"}\n");
        List<BatchError> errors = new BatchValidator(10, 1024).validate(f, ENDPOINT).errors();
        assertEquals("line_too_long", errors.get(0).code());
        assertEquals(2, errors.get(0).line());
    }

    /** 300 good lines of varied lengths, with blank lines, CRLF endings and a body not last in its line. */
    private static String goodLines() {
        Random r = new Random(42);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String l = line("id-" + i).replace("[1]", "[" + "1,".repeat(r.nextInt(40)) + "1]");
            if (i % 37 == 5) {
                l = "{\"custom_id\":\"id-" + i + "\",\"body\":{\"x\":[2]},\"method\":\"POST\",\"url\":\""
                        + ENDPOINT + "\"}\n";
            }
            b.append(i % 11 == 3 ? l.replace("\n", "\r\n") : l);
            if (i % 23 == 7) {
                b.append(i % 2 == 0 ? "\n" : "  \t\n");
            }
        }
        return b.toString();
    }

    /** The file checked on one thread and in parts on {@code threads}: the same result and bodies. */
    private void assertPartsAgreeWithOneThread(String content, long maxLines, int threads) throws IOException {
        Path f = dir.resolve("parts.jsonl");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        BodyExtents one = new BodyExtents();
        BodyExtents parts = new BodyExtents();
        BatchValidator.Result expected = new BatchValidator(maxLines, 1 << 20).validate(f, ENDPOINT, () -> false, one);
        // parts of at least 64 bytes: a few lines each
        BatchValidator.Result actual = new BatchValidator(maxLines, 1 << 20, threads, 64)
                .validate(f, ENDPOINT, () -> false, parts);
        assertEquals(expected, actual);
        if (expected.ok()) {
            for (int i = 0; i <= expected.lines(); i++) {
                assertArrayEquals(one.get(i), parts.get(i), "body of line " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 8, 64})
    void validate_inParts_findsWhatOneThreadFinds(int threads) throws IOException {
        assertPartsAgreeWithOneThread(goodLines(), 50_000, threads);
    }

    static Stream<Arguments> problemsInParts() {
        String good = goodLines();
        String[] lines = good.split("(?<=\n)");
        String late = lines[lines.length - 20];
        return Stream.of(
                Arguments.of("an id used in the first part and again in the last", good + line("id-3")),
                Arguments.of("bad JSON late in the file", good.replace(late, "{oops\n")),
                Arguments.of("a url for another endpoint late in the file",
                        good.replace(late, late.replace(ENDPOINT, "/v1/embeddings"))),
                Arguments.of("bad lines in several parts", good.replace("\"id-10\"", "\"id-10").replace(late, "[1]\n")),
                Arguments.of("only blank lines", "\n".repeat(400)),
                Arguments.of("a last line with no newline", good + line("last").trim()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problemsInParts")
    void validate_inParts_problemsListedAsOneThreadListsThem(String what, String content) throws IOException {
        assertPartsAgreeWithOneThread(content, 50_000, 4);
    }

    @Test
    void validate_inPartsOverTheLineLimit_failsAsOneThreadDoes() throws IOException {
        assertPartsAgreeWithOneThread(goodLines(), 250, 4);
    }

    /** Each part asks whether to stop once per 1,024 lines: once each here, and no second pass. */
    @Test
    void validate_inParts_checksAGoodFileOnceOnSeveralThreads() throws IOException {
        Path f = dir.resolve("threads.jsonl");
        Files.writeString(f, goodLines(), StandardCharsets.UTF_8);
        List<String> askedBy = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        BatchValidator.Result r = new BatchValidator(50_000, 1 << 20, 4, 64).validate(f, ENDPOINT, () -> {
            askedBy.add(Thread.currentThread().getName());
            return false;
        }, null);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(300, r.lines());
        assertEquals(4, askedBy.size(), askedBy.toString());
        assertEquals(4, new java.util.HashSet<>(askedBy).size(), askedBy.toString());
    }

    @Test
    void validate_inPartsStopped_returnsNull() throws IOException {
        Path f = dir.resolve("stop.jsonl");
        Files.writeString(f, goodLines(), StandardCharsets.UTF_8);
        assertNull(new BatchValidator(50_000, 1 << 20, 4, 64).validate(f, ENDPOINT, () -> true, null));
    }
}
