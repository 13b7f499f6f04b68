package io.batchwise.http;

import static io.batchwise.http.SampleTensors.assertSameTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests decode the same with the numeric fast path ({@link NumericDataPrescan}) as with the
 * token-by-token reader alone: the same tensors, bit for bit, or the same error message.
 */
class InferCodecFastPathTest {
    private static final DataType[] TYPES = DataType.values();
    private final InferCodec fast = new InferCodec(0);
    private final InferCodec tokens = new InferCodec(Integer.MAX_VALUE);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object outcome(InferCodec codec, String body) {
        return outcome(codec, utf8(body), null);
    }

    private static Object outcome(InferCodec codec, byte[] body, String header) {
        return outcome(() -> codec.decodeRequest(body, header));
    }

    /** The decoded request, or the {@link InvalidInput} it was rejected with. */
    private static Object outcome(Supplier<DecodedInfer> decode) {
        try {
            return decode.get();
        } catch (InvalidInput e) {
            return e;
        }
    }

    /** Both paths decode {@code body} to the same request, or both reject it with the same message. */
    private void assertSameOnBothPaths(String body) {
        assertSameOnBothPaths(utf8(body), null, body);
    }

    private void assertSameOnBothPaths(byte[] bytes, String header, String body) {
        assertSameOutcome(outcome(tokens, bytes, header), outcome(fast, bytes, header), body);
    }

    /** The same request, or the same error message. */
    private static void assertSameOutcome(Object expected, Object actual, String body) {
        if (expected instanceof InvalidInput e) {
            InvalidInput a = assertInstanceOf(InvalidInput.class, actual, () -> "fast path accepted " + body);
            assertEquals(e.getMessage(), a.getMessage(), body);
            return;
        }
        DecodedInfer want = (DecodedInfer) expected;
        DecodedInfer got = assertInstanceOf(DecodedInfer.class, actual,
                () -> "fast path rejected " + body + ": " + actual);
        assertEquals(want.request().id(), got.request().id());
        assertEquals(want.request().outputs(), got.request().outputs());
        assertEquals(want.request().parameters(), got.request().parameters());
        assertEquals(want.binaryOutputs(), got.binaryOutputs());
        assertSameTensors(want.request().inputs(), got.request().inputs());
    }

    private static String input(String datatype, String shape, String data) {
        return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape + ",\"data\":" + data
                + "}]}";
    }

    /** A request of one 1,024-float row written as {@code %.5f}, as the demo scorer's batch lines are. */
    private static String scorerRow(long seed) {
        StringBuilder data = new StringBuilder("[");
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 1024; i++) {
            data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", r.nextDouble(-1, 1)));
        }
        return input("FP32", "[1,1024]", data + "]");
    }

    @Test
    void decodeRequest_batchLineBody_readsTheDataAhead() {
        String body = scorerRow(7);

        NumericDataPrescan prescan = NumericDataPrescan.scan(utf8(body), utf8(body).length);

        assertNotNull(prescan);
        assertEquals(input("FP32", "[1,1024]", "[]"), new String(prescan.json(), StandardCharsets.UTF_8));
        assertSameOnBothPaths(body);
    }

    /**
     * Float tokens of every common length, read by the short-token path where they qualify and
     * by the general parser otherwise, each equal bit for bit to {@link Float#parseFloat}.
     */
    @Test
    void decodeRequest_shortFloatTokens_equalParseFloat() {
        SplittableRandom r = new SplittableRandom(5);
        List<String> tokens = new ArrayList<>(List.of("0.0", "-0.0", "-0.00000", "16777216.0", "16777217.0",
                "1677721.7", "1.6777217", "0.16777216", "0.16777217", "9.9999999", "99999999.9", "123456789.5",
                "0.1", "-0.1", "0.0000001", "1.5e3", "0.5E-2", "2.50", "7", "-3", "0.33333334", "3.4028235",
                "0.30000001", "1.00000005", "0.12345678", "100000000.0"));
        for (int i = 0; i < 20_000; i++) {
            int decimals = r.nextInt(1, 9);
            double magnitude = Math.pow(10, r.nextInt(0, 9));
            tokens.add(String.format(Locale.ROOT, "%." + decimals + "f", r.nextDouble(-magnitude, magnitude)));
        }
        String body = input("FP32", "[" + tokens.size() + "]", "[" + String.join(",", tokens) + "]");

        Tensor x = fast.decodeRequest(utf8(body), null).request().inputs().get(0);

        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            float want = t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0 ? Integer.parseInt(t)
                    : Float.parseFloat(t);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(x.data().getFloat(4 * i)), t);
        }
        assertSameOnBothPaths(body);
    }

    /**
     * A defect in the middle of a long run of one-digit tokens (read by the fast path's tightest
     * loop on both sides of it) is read or rejected exactly as the token reader does it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"0.5,,0.5", "0.5,]", "0.5 ,0.5", "0.5, 0.5", "0.5.5", "-.5", "1.e5", "1.5e5", "-0.0000000",
        "1.6777216", "1.6777217", "-1.6777217", "9.12345678", "0.1234567", "-9.1234567", "12.5", "-", "0.5\n", "0.5}"})
    void decodeRequest_defectAmidOneDigitTokens_sameOnBothPaths(String defect) {
        String run = String.join(",", Collections.nCopies(40, "-0.25000"));
        String data = "[" + run + "," + defect.replace("\\n", "\n") + "," + run + "]";
        int count = data.split(",").length;
        assertSameOnBothPaths(input("FP32", "[" + count + "]", data));
        assertSameOnBothPaths(input("FP32", "[" + (count + 1) + "]", data));
    }

    @Test
    void decodeRequest_integerMinusZeroInAFloatTensor_isPlusZeroAsBefore() {
        String body = input("FP32", "[3]", "[-0, -0.0, 0]");
        assertNotNull(NumericDataPrescan.scan(utf8(body), utf8(body).length));
        Tensor x = fast.decodeRequest(utf8(body), null).request().inputs().get(0);
        assertEquals(0, Float.floatToRawIntBits(x.data().getFloat(0)));
        assertEquals(0x80000000, Float.floatToRawIntBits(x.data().getFloat(4)));
        assertSameOnBothPaths(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // declined by the fast path, so read (or rejected) token by token
        "FP32|[2]|[1, NaN]", "FP32|[2]|[1, \"Infinity\"]", "FP32|[1]|[1e39]", "FP32|[1]|[-1e39]", "FP16|[1]|[65520]",
        "FP16|[1]|[65504]", "FP64|[1]|[1e309]", "UINT8|[2]|[255, 256]", "INT8|[1]|[-129]", "INT32|[1]|[2147483648]",
        "INT64|[1]|[9223372036854775807]", "INT64|[1]|[9223372036854775808]", "INT32|[1]|[1.0]", "INT32|[1]|[1e2]",
        "FP32|[2]|[1, +2]", "FP32|[2]|[1, .5]", "FP32|[2]|[1., 2]", "FP32|[2]|[01, 2]", "FP32|[2]|[1, 2,]",
        "FP32|[2]|[1 2]", "FP32|[2]|[1, 2, 3]", "FP32|[3]|[1, 2]", "FP32|[2]|[[1, 2]]", "FP32|[2,2]|[[1,2],[3]]",
        "FP32|[2,2]|[[1,2],[3,4],[5,6]]", "FP32|[2,2]|[[1,2],3,4]", "FP32|[2,2]|[1,2,[3,4]]", "FP32|[2,2]|[[1,[2]],[3,4]]",
        "FP32|[]|[5]", "FP32|[]|5", "FP32|[0]|[]", "FP32|[2,0]|[[],[]]", "FP32|[0,2]|[]", "BOOL|[2]|[true, false]",
        "BYTES|[1]|[\"a\"]", "FP32|[1]|[\"1\"]", "FP32|[1]|[null]", "FP32|[1]|[1e99999999999]",
        "FP32|[2]|[1, 2", "FP32|[2]|[1, 2]]", "FP32|[1, 2.5]|[1]", "FP32|[-1]|[1]", "FP32|[01]|[1]",
        "FP32|[99999999999999999999]|[1]", "fp32|[1]|[1]", "FP8|[1]|[1]", "FP32|[2]|[ 1 ,\n\t2\r\n]",
    })
    void decodeRequest_edgeAndBadData_sameOnBothPaths(String spec) {
        String[] p = spec.split("\\|", -1);
        assertSameOnBothPaths(input(p[0], p[1], p[2]));
    }

    /** Every malformed request of the codec's own error tests. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.batchwise.http.InferCodecInvalidInputTest#badRequests")
    void decodeRequest_badRequests_sameErrorOnBothPaths(String name, byte[] body, String header, String message) {
        assertSameOnBothPaths(body, header, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // the array is read ahead, then something else is wrong or unusual
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2],\"parameters\":{\"binary_data_size\":8}}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}],}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2],\"data\":[3,4]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2],\"datatype\":\"INT8\"}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2],\"shape\":[1,2]}]}",
        "{\"inputs\":[{\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]}",
        "{\"inputs\":[{\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2],\"name\":\"late\"}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]},{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[3]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}],\"inputs\":[]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]} trailing",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}], \"id\": 5}",
        // data in places other than an input's data: never read ahead, values kept
        "{\"parameters\":{\"data\":[1,2]},\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]}",
        "{\"data\":[1,2],\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"parameters\":{\"data\":[3]},\"data\":[1,2]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}],\"outputs\":[{\"name\":\"y\",\"data\":[1]}]}",
        "{\"in\\u0070uts\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"dat\\u0061type\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"F\\u005032\",\"shape\":[2],\"data\":[1,2]}]}",
        "{\"id\":\"\\\"data\\\":[1]\",\"inputs\":[{\"name\":\"[\\\"{\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]}]}",
        // several inputs, some read ahead and some not
        "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,2]},{\"name\":\"b\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"s\"]},"
                + "{\"name\":\"c\",\"data\":[7],\"datatype\":\"INT64\",\"shape\":[1]},{\"name\":\"d\",\"datatype\":\"FP64\",\"shape\":[1,2],\"data\":[[0.1,2e-3]]}]}",
    })
    void decodeRequest_unusualBodies_sameOnBothPaths(String body) {
        assertSameOnBothPaths(body);
    }

    @Test
    void decodeRequest_malformedAfterReadAhead_reportsTheOriginalLocation() {
        String body = input("FP32", "[3]", "[1.5, 2.5, 3.5]") + "x";
        NumericDataPrescan prescan = NumericDataPrescan.scan(utf8(body), utf8(body).length);
        assertNotNull(prescan);
        // In the shortened copy the error is 13 columns earlier; clients must see where it is in what they sent.
        JsonParseException inCopy = assertThrows(JsonParseException.class, () -> {
            try (JsonParser p = new JsonFactory().createParser(prescan.json())) {
                while (p.nextToken() != null) {
                    p.skipChildren();
                }
            }
        });
        assertEquals(67, inCopy.getLocation().getColumnNr());
        InvalidInput e = assertInstanceOf(InvalidInput.class, outcome(fast, body));
        assertTrue(e.getMessage().contains("column 80"), e.getMessage());
        assertSameOnBothPaths(body);
    }

    @Test
    void scan_dataBeforeDatatypeAndShape_notReadAhead() {
        String body = "{\"inputs\":[{\"name\":\"x\",\"data\":[1,2],\"datatype\":\"FP32\",\"shape\":[2]}]}";
        assertNull(NumericDataPrescan.scan(utf8(body), utf8(body).length));
        assertSameOnBothPaths(body);
    }

    /** Random requests of every datatype, layout, spelling and field order, some of them broken. */
    @Test
    void decodeRequest_randomRequests_sameOnBothPaths() {
        SplittableRandom r = new SplittableRandom(11);
        int readAhead = 0;
        for (int k = 0; k < 2000; k++) {
            StringBuilder body = new StringBuilder("{").append(ws(r)).append("\"inputs\":").append(ws(r)).append('[');
            int inputs = r.nextInt(1, 4);
            for (int t = 0; t < inputs; t++) {
                body.append(t == 0 ? "" : ",").append(ws(r)).append(randomInput(r, "in" + t));
            }
            body.append(ws(r)).append("]").append(ws(r)).append("}");
            String s = body.toString();
            if (NumericDataPrescan.scan(utf8(s), utf8(s).length) != null) {
                readAhead++;
            }
            assertSameOnBothPaths(s);
        }
        assertTrue(readAhead > 1000, "only " + readAhead + " of 2000 requests took the fast path");
    }

    /**
     * A body decoded where it lies inside a larger array (a batch line) gives what the body alone
     * gives on the usual path: the same tensors, or the same error, for random bodies (some broken).
     */
    @Test
    void decodeJsonRequest_bodyInsideALine_sameAsTheBodyAlone() {
        SplittableRandom r = new SplittableRandom(13);
        int readAhead = 0;
        for (int k = 0; k < 1000; k++) {
            String body = "{\"inputs\":[" + randomInput(r, "in0") + (r.nextBoolean() ? "," + randomInput(r, "in1") : "")
                    + "]}";
            String head = "{\"custom_id\":\"r" + k + "\",\"body\":";
            byte[] line = utf8(head + body + ",\"url\":\"/v2/models/m/infer\"}");
            int from = utf8(head).length;
            int to = from + utf8(body).length;

            assertSameOutcome(outcome(tokens, body), outcome(() -> fast.decodeJsonRequest(line, from, to)), body);
            NumericDataPrescan prescan = NumericDataPrescan.scan(line, from, to);
            if (prescan != null) {
                String copy = new String(prescan.json(), StandardCharsets.UTF_8);
                assertTrue(copy.startsWith("{\"inputs\":[") && copy.endsWith("]}"), copy); // the body's range only
            }
            if (fast.readAhead(line, from, to, null) != null) {
                readAhead++; // decoded in place, not copied out and decoded again
            }
        }
        assertTrue(readAhead > 500, "only " + readAhead + " of 1000 bodies were decoded in place");
    }

    @Test
    void decodeJsonRequest_largeRowInsideALine_decodedInPlace() {
        String body = scorerRow(3);
        String head = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v2/models/m/infer\",\"body\":";
        byte[] line = utf8(head + body + "}");
        int from = utf8(head).length;

        DecodedInfer inPlace = fast.readAhead(line, from, from + utf8(body).length, null);

        assertNotNull(inPlace, "the fast path declined a body it reads when alone");
        assertSameTensors(tokens.decodeRequest(utf8(body), null).request().inputs(), inPlace.request().inputs());
    }

    private static String randomInput(SplittableRandom r, String name) {
        DataType type = r.nextInt(10) == 0 ? TYPES[r.nextInt(TYPES.length)]
                : List.of(DataType.FP32, DataType.FP64, DataType.FP16, DataType.INT64, DataType.INT32, DataType.INT8,
                        DataType.UINT8, DataType.INT16).get(r.nextInt(8));
        long[] shape = new long[r.nextInt(4)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = r.nextInt(8) == 0 ? 0 : r.nextInt(1, 5);
        }
        long count = Tensor.elementCount(shape);
        boolean nested = shape.length >= 2 && r.nextBoolean();
        List<String> values = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            values.add(value(r, type));
        }
        if (r.nextInt(20) == 0 && !values.isEmpty()) {
            values.remove(r.nextInt(values.size())); // one too few
        } else if (r.nextInt(20) == 0) {
            values.add(value(r, type)); // one too many
        }
        String data = nested && values.size() == count ? nest(r, shape, 0, values.iterator()) : "[" + join(r, values) + "]";
        List<String> fields = new ArrayList<>(List.of("\"name\":\"" + name + "\"", "\"datatype\":\"" + type + "\"",
                "\"shape\":" + Arrays.toString(shape).replace(" ", ""), "\"data\":" + ws(r) + data));
        if (r.nextInt(4) == 0) {
            Collections.shuffle(fields.subList(1, 4), new java.util.Random(r.nextLong()));
        }
        if (r.nextInt(5) == 0) {
            fields.add(r.nextInt(fields.size() + 1), "\"parameters\":{\"data\":[1,2],\"s\":\"]}\"}");
        }
        return "{" + String.join("," + ws(r), fields) + "}";
    }

    private static String nest(SplittableRandom r, long[] shape, int level, java.util.Iterator<String> values) {
        List<String> parts = new ArrayList<>();
        for (long i = 0; i < shape[level]; i++) {
            parts.add(level == shape.length - 1 ? values.next() : nest(r, shape, level + 1, values));
        }
        return "[" + join(r, parts) + "]";
    }

    private static String join(SplittableRandom r, List<String> parts) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            s.append(i == 0 ? ws(r) : ws(r) + "," + ws(r)).append(parts.get(i));
        }
        return s.append(ws(r)).toString();
    }

    private static String ws(SplittableRandom r) {
        return switch (r.nextInt(12)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\t";
            case 3 -> "\r\n";
            default -> "";
        };
    }

    /** A value for {@code type}, now and then one that is out of range, of the wrong kind or odd. */
    private static String value(SplittableRandom r, DataType type) {
        if (r.nextInt(200) == 0) {
            return List.of("NaN", "\"Infinity\"", "-Infinity", "+1", "1.", "01", "1e400", "-1e39", "null", "true", "\"x\"",
                    "99999999999999999999", "-0", "1e-50").get(r.nextInt(14));
        }
        switch (type) {
            case FP32, FP16, FP64: {
                double d = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-8, 9));
                return switch (r.nextInt(7)) {
                    case 0 -> Float.toString((float) d);
                    case 1 -> Double.toString(d);
                    case 2 -> Double.toString((float) d);
                    case 3 -> String.format(Locale.ROOT, "%.5f", d);
                    case 4 -> Long.toString(r.nextLong(-100_000, 100_000));
                    case 5 -> String.format(Locale.ROOT, "%.3e", d);
                    default -> new java.math.BigDecimal(d).round(new java.math.MathContext(r.nextInt(1, 25))).toString();
                };
            }
            case BOOL:
                return r.nextBoolean() ? "true" : "false";
            case BYTES:
                return "\"s" + r.nextInt(100) + "\"";
            case UINT8:
                return Integer.toString(r.nextInt(-2, 258));
            case INT8:
                return Integer.toString(r.nextInt(-130, 130));
            case INT16:
                return Integer.toString(r.nextInt(Short.MIN_VALUE - 2, Short.MAX_VALUE + 2));
            case INT32:
                return Long.toString(r.nextLong(Integer.MIN_VALUE - 2L, Integer.MAX_VALUE + 2L));
            default:
                return Long.toString(r.nextLong() >> r.nextInt(64));
        }
    }
}
