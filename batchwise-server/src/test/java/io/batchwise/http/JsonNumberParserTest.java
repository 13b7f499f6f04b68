package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte parser agrees bit for bit with {@link Float#parseFloat} and {@link Double#parseDouble}. */
class JsonNumberParserTest {
    private static final int CASES = Integer.getInteger("batchwise.numberCases", 50_000);
    private final JsonNumberParser parser = new JsonNumberParser();

    /** Scans {@code s} (padded, as in an array) and checks the whole of it is one number. */
    private boolean scanWhole(String s) {
        byte[] b = (s + ",1]").getBytes(StandardCharsets.ISO_8859_1);
        return parser.scan(b, 0, b.length) == s.length();
    }

    private void assertParsesLikeTheJdk(String s) {
        if (s.length() > JsonNumberParser.MAX_TOKEN) {
            assertFalse(scanWhole(s), () -> "scanned a token over the length limit: " + s);
            return;
        }
        assertTrue(scanWhole(s), () -> "not scanned as one number: " + s);
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(s)), Float.floatToRawIntBits(parser.floatValue()),
                () -> "float of " + s + ": " + parser.floatValue() + " vs " + Float.parseFloat(s));
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(parser.doubleValue()),
                () -> "double of " + s + ": " + parser.doubleValue() + " vs " + Double.parseDouble(s));
    }

    @Test
    void parse_randomFloatsAsJavaPrintsThem_sameAsJdk() {
        SplittableRandom r = new SplittableRandom(1);
        for (int k = 0; k < CASES; k++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(f)) {
                assertParsesLikeTheJdk(Float.toString(f));
                // Python's json writes a float32 value widened to double: 17 significant digits.
                assertParsesLikeTheJdk(Double.toString(f));
                assertParsesLikeTheJdk(new BigDecimal(f).round(new MathContext(9)).toString());
            }
        }
    }

    @Test
    void parse_randomDoubles_sameAsJdk() {
        SplittableRandom r = new SplittableRandom(2);
        for (int k = 0; k < CASES; k++) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (Double.isFinite(d)) {
                assertParsesLikeTheJdk(Double.toString(d));
            }
            assertParsesLikeTheJdk(String.format(Locale.ROOT, "%.5f", r.nextDouble(-1, 1)));
            assertParsesLikeTheJdk(Double.toString(r.nextDouble(-1e6, 1e6)));
        }
    }

    @Test
    void parse_randomDigitStrings_sameAsJdk() {
        SplittableRandom r = new SplittableRandom(3);
        for (int k = 0; k < CASES; k++) {
            StringBuilder s = new StringBuilder();
            if (r.nextBoolean()) {
                s.append('-');
            }
            int intDigits = r.nextInt(4) == 0 ? 0 : r.nextInt(1, 22);
            if (intDigits == 0) {
                s.append('0');
            } else {
                s.append((char) ('1' + r.nextInt(9)));
                digits(r, s, intDigits - 1);
            }
            if (r.nextBoolean()) {
                s.append('.');
                digits(r, s, r.nextInt(1, 22));
            }
            if (r.nextBoolean()) {
                s.append(r.nextBoolean() ? 'e' : 'E');
                int sign = r.nextInt(3);
                s.append(sign == 0 ? "" : sign == 1 ? "+" : "-");
                s.append(r.nextInt(4) == 0 ? r.nextInt(400) : r.nextInt(30));
            }
            assertParsesLikeTheJdk(s.toString());
        }
    }

    /** Mostly zeros and nines, which make runs of digits that carry, round and end at every offset. */
    private static void digits(SplittableRandom r, StringBuilder s, int n) {
        int mode = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            s.append(mode == 0 ? '0' : mode == 1 ? '9' : (char) ('0' + r.nextInt(10)));
            if (r.nextInt(8) == 0) {
                mode = r.nextInt(3);
            }
        }
    }

    /**
     * Decimals at, just above and just below the midpoint between two floats: where rounding
     * to double first and then to float can go the wrong way.
     */
    @Test
    void parse_nearFloatMidpoints_sameAsJdk() {
        SplittableRandom r = new SplittableRandom(4);
        for (int k = 0; k < CASES / 10; k++) {
            float f = Float.intBitsToFloat(r.nextInt(0x00800000, 0x7f000000));
            BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
            BigDecimal tiny = mid.ulp().multiply(BigDecimal.valueOf(r.nextInt(1, 1000)));
            for (BigDecimal v : List.of(mid, mid.add(tiny), mid.subtract(tiny))) {
                assertParsesLikeTheJdk(v.toString());
                for (int p = 9; p <= 20; p++) {
                    assertParsesLikeTheJdk(v.round(new MathContext(p)).toString());
                }
            }
        }
        // Integers on a float midpoint, and a hair above it (under half a double ulp away, so the
        // nearest double is the midpoint itself and only the slow path rounds up).
        for (String s : List.of("16777217", "16777219", "-16777217", "33554434", "16777217.000000001",
                "16777217.0000001", "16777216.999999999", "9007199254740993", "1.00000005960464477539062500001")) {
            assertParsesLikeTheJdk(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0", "-0", "0.0", "-0.0", "0e10", "-0E-10", "0.000", "1", "-1", "10", "1e0", "1E+2", "1e-2", "123.456e7",
        // subnormal and boundary floats and doubles
        "1.4E-45", "1.401298464324817E-45", "7.006492321624085E-46", "7.006492321624087E-46", "1e-45", "1.0e-45",
        "1.17549435E-38", "1.1754942E-38", "3.4028235E38", "3.4028236E38", "3.40282357e38", "1e39", "-1e39",
        "4.9E-324", "2.4703282292062328E-324", "1.7976931348623157E308", "1.8e308", "1e-400", "1e400",
        // exact-path edges: 2^53 and 2^53 + 1, 10^22 and 10^23
        "9007199254740992", "9007199254740993", "1e22", "1e23", "9007199254740993e22", "1e-22", "1e-23",
        "123456789012345678", "1234567890123456789", "0.000000000000000000000000000000000000001",
        "0.30000000000000004", "0.1", "0.2", "2.2250738585072011e-308", "2.2250738585072012e-308",
        "1.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    })
    void parse_edgeCases_sameAsJdk(String s) {
        assertParsesLikeTheJdk(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1", ".5", "1.", "01", "-01", "00", "-", "1e", "1e+", "1E-", "NaN", "Infinity",
        "-Infinity", "0x10", "1.e5", "-.5", " 1", "", "e5", "1.5.2", "1e5.5", "--1"})
    void scan_notAJsonNumber_rejected(String s) {
        assertFalse(scanWhole(s), () -> "scanned as a number: " + s);
    }

    @Test
    void scan_tokenLongerThanTheLimit_declined() {
        assertTrue(scanWhole("1" + "0".repeat(JsonNumberParser.MAX_TOKEN - 1)));
        assertFalse(scanWhole("1" + "0".repeat(JsonNumberParser.MAX_TOKEN)));
    }

    @Test
    void longValue_integersUpTo18Digits_exact() {
        SplittableRandom r = new SplittableRandom(5);
        List<Long> values = new ArrayList<>(List.of(0L, -1L, 999_999_999_999_999_999L, -999_999_999_999_999_999L));
        for (int k = 0; k < 10_000; k++) {
            values.add(r.nextLong(-999_999_999_999_999_999L, 999_999_999_999_999_999L) >> r.nextInt(60));
        }
        for (long v : values) {
            assertTrue(scanWhole(Long.toString(v)));
            assertTrue(parser.integral());
            assertEquals(v, parser.longValue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000000000000000", "9223372036854775807", "-9223372036854775808", "1.0", "1e2"})
    void longValue_longOrNotAnInteger_none(String s) {
        assertTrue(scanWhole(s));
        assertEquals(Long.MIN_VALUE, parser.longValue());
    }
}
