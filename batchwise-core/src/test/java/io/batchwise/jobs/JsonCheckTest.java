package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JsonCheck} passes a line only when the line parser accepts the whole line as JSON, and
 * validation ({@link InputLine#check}) gives every line the same outcome as a full parse.
 */
class JsonCheckTest {
    private static final String ENDPOINT = "/v2/models/m/infer";
    private static final JsonFactory JACKSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Bytes that matter to JSON's syntax, for mutations. */
    private static final byte[] SYNTAX = " \t\n{}[],:\"\\/0123456789.-+eEtrufalsnbx\u0001".getBytes(StandardCharsets.UTF_8);

    private static final List<String> SEEDS = List.of(
            "{\"custom_id\":\"a-1\",\"method\":\"POST\",\"url\":\"" + ENDPOINT + "\",\"body\":{\"inputs\":[{\"name\":"
                    + "\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[0.5,-1.25e-3,7,-0.0]}]}}",
            "{ \"body\" : { \"id\" : \"r\\u00e9q\\n\\\"1\\\"\", \"parameters\" : {\"timeout\": 1000, \"flag\": true,"
                    + " \"none\": null, \"off\": false}, \"inputs\" : [ ] } , \"custom_id\" : \"\u00e9t\u00e9\", "
                    + "\"method\" : \"POST\", \"url\" : \"" + ENDPOINT + "\" }",
            "{\"custom_id\":\"n\",\"method\":\"POST\",\"url\":\"" + ENDPOINT + "\",\"body\":{\"a\":[[1,2],[3,[4,{}]]],"
                    + "\"b\":{\"c\":{\"d\":[]}},\"e\":\"\\\\\\/\\b\\f\\r\\t\"},\"extra\":[0,1E+2,2e-2,-3.5E7]}",
            "{\"custom_id\":\"f\",\"method\":\"POST\",\"url\":\"" + ENDPOINT + "\",\"body\":{\"data\":[0.12345,-0.5,"
                    + "9.1234567,-1.2e3,3.25E-1,0.1,-7.0000001,2.5 ,-0.25\t,1.5]},\"z\":[-0.125,4.5]}");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the line parser's JSON factory reads {@code b} as exactly one JSON value. */
    private static boolean jacksonAccepts(byte[] b) {
        try (JsonParser p = JACKSON.createParser(b)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The custom id, or the error's JSON form. */
    private static Object outcome(Checked check, byte[] b, boolean utf8) {
        try {
            return check.apply(new LineReader.Line(b, utf8, 3, -1), ENDPOINT);
        } catch (InputLine.Invalid e) {
            return e.error();
        }
    }

    private interface Checked {
        Object apply(LineReader.Line l, String endpoint) throws InputLine.Invalid;
    }

    private static String scorerLine(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 1024; i++) {
            data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", r.nextDouble(-1, 1)));
        }
        return "{\"custom_id\":\"r" + seed + "\",\"method\":\"POST\",\"url\":\"" + ENDPOINT + "\",\"body\":{\"inputs\":"
                + "[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,1024],\"data\":[" + data + "]}]}}";
    }

    @Test
    void bodyOfWellFormed_scorerLine_findsTheBodyAsTheStructuralScanDoes() {
        byte[] line = utf8(scorerLine(1));

        assertArrayEquals(InputLine.bodyExtent(line), JsonCheck.bodyOfWellFormed(line));
    }

    @Test
    void bodyOfWellFormed_seedLines_passWithTheirBody() {
        for (String seed : SEEDS) {
            byte[] line = utf8(seed);
            int[] body = JsonCheck.bodyOfWellFormed(line);
            assertArrayEquals(InputLine.bodyExtent(line), body, seed);
        }
    }

    /** Valid JSON that the check leaves to the parser, and JSON the parser rejects. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"body\":{\"a\":1,\"a\":2}}", "{\"body\":{},\"body\":{}}", "{\"b\\u006fdy\":{}}", "{\"body\":{\"x\":\"\\ud800\"}}",
        "{\"body\":{\"x\":\"\u0001\"}}", "{\"body\":{\"x\":01}}", "{\"body\":{\"x\":1.}}", "{\"body\":{\"x\":.5}}",
        "{\"body\":{\"x\":-}}", "{\"body\":{\"x\":1e}}", "{\"body\":{\"x\":NaN}}", "{\"body\":{\"x\":tru}}",
        "{\"body\":{\"x\":[1,]}}", "{\"body\":{\"x\":1,}}", "{\"body\":{}} x", "[{\"body\":{}}]", "{\"body\":{}", "",
        "{\"body\":{\"x\":\"\\q\"}}", "{\"body\":{\"x\":1 2}}", "{\"body\":[]}", "{\"body\":{\"x\":truex}}", "{},1", "{\"body\":{\"x\":[0.12345.6,1.5,2.5]}}",
        "{\"body\":{\"x\":[0.12345e,1.5,2.5]}}", "{\"body\":{\"x\":[1.5,-.5,2.5,3.5]}}",
    })
    void bodyOfWellFormed_doubtfulOrInvalid_returnsNull(String line) {
        assertNull(JsonCheck.bodyOfWellFormed(utf8(line)), line);
    }

    /**
     * Random one-byte edits of valid lines: whatever the check passes, the parser accepts, and
     * validation gives each line the outcome a full parse gives it.
     */
    @Test
    void check_randomEditsOfValidLines_neverPassWhatTheParserRejects() {
        SplittableRandom r = new SplittableRandom(11);
        int passed = 0;
        int rejected = 0;
        for (int n = 0; n < 30_000; n++) {
            byte[] line = mutate(utf8(SEEDS.get(n % SEEDS.size())), r);
            boolean valid = validUtf8(line);
            boolean accepted = jacksonAccepts(line);
            if (valid && JsonCheck.bodyOfWellFormed(line) != null) {
                passed++;
                if (!accepted) {
                    fail("passed what the parser rejects: " + new String(line, StandardCharsets.UTF_8));
                }
            }
            rejected += accepted ? 0 : 1;
            assertEquals(outcome((l, e) -> InputLine.parse(l, e).customId(), line, valid),
                    outcome(InputLine::check, line, valid), () -> new String(line, StandardCharsets.UTF_8));
        }
        assertTrue(passed > 1_000 && rejected > 1_000, passed + " passed, " + rejected + " rejected");
    }

    private static boolean validUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] mutate(byte[] b, SplittableRandom r) {
        int at = r.nextInt(b.length);
        byte c = SYNTAX[r.nextInt(SYNTAX.length)];
        return switch (r.nextInt(3)) {
            case 0 -> {
                byte[] m = b.clone();
                m[at] = c;
                yield m;
            }
            case 1 -> {
                byte[] m = new byte[b.length - 1];
                System.arraycopy(b, 0, m, 0, at);
                System.arraycopy(b, at + 1, m, at, b.length - at - 1);
                yield m;
            }
            default -> {
                byte[] m = new byte[b.length + 1];
                System.arraycopy(b, 0, m, 0, at);
                m[at] = c;
                System.arraycopy(b, at, m, at + 1, b.length - at);
                yield m;
            }
        };
    }

    @Test
    void check_scorerLine_returnsItsCustomId() throws Exception {
        byte[] line = utf8(scorerLine(2));

        assertEquals("r2", InputLine.check(new LineReader.Line(line, true, 1, -1), ENDPOINT));
    }
}
