package io.batchwise.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AsciiDigitsTest {
    private static final Pattern TOKEN = Pattern.compile("-?[0-9]\\.[0-9]{1,7},");

    @Test
    void minus_everyByte_oneOnlyForTheMinusSign() {
        for (int c = 0; c < 256; c++) {
            assertEquals(c == '-' ? 1 : 0, AsciiDigits.minus(0x3132333435363700L | c), "byte " + c);
            assertEquals(c == '-' ? 1 : 0, AsciiDigits.minus((byte) c), "byte " + c + " sign-extended");
        }
    }

    /** Random near-tokens (signs, digits, points, commas and other bytes in every order) against a regex. */
    @Test
    void oneDigitDecimal_randomBytes_endsWhereTheRegexEnds() {
        SplittableRandom r = new SplittableRandom(11);
        byte[] alphabet = "-0123456789.,e ]".getBytes(StandardCharsets.US_ASCII);
        int tokens = 0;
        for (int t = 0; t < 200_000; t++) {
            byte[] b = new byte[16];
            if (r.nextInt(3) == 0) {
                for (int i = 0; i < b.length; i++) {
                    b[i] = alphabet[r.nextInt(alphabet.length)];
                }
            } else { // a token, maybe with one byte changed
                String s = (r.nextBoolean() ? "-" : "") + r.nextInt(10) + "." + digits(r, 1 + r.nextInt(8)) + ",";
                byte[] token = s.getBytes(StandardCharsets.US_ASCII);
                Arrays.fill(b, (byte) '7');
                System.arraycopy(token, 0, b, 0, Math.min(token.length, b.length));
                if (r.nextInt(4) == 0) {
                    b[r.nextInt(token.length)] = alphabet[r.nextInt(alphabet.length)];
                }
            }
            String text = new String(b, StandardCharsets.US_ASCII);
            Matcher m = TOKEN.matcher(text);
            int expected = m.lookingAt() ? m.end() : -1;
            tokens += expected > 0 ? 1 : 0;
            assertEquals(expected, AsciiDigits.oneDigitDecimal(b, 0), text);
        }
        assertEquals(true, tokens > 50_000, "too few real tokens: " + tokens);
    }

    @Test
    void fraction_picksTheReadAfterTheSign() {
        assertEquals(0x1111L, AsciiDigits.fraction(0x1111L, 0x2222L, 0));
        assertEquals(0x2222L, AsciiDigits.fraction(0x1111L, 0x2222L, 1));
    }

    private static String digits(SplittableRandom r, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + r.nextInt(10)));
        }
        return s.toString();
    }
}
