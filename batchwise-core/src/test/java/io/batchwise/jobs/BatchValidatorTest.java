package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
