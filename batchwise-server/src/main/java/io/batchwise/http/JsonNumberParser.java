package io.batchwise.http;

import com.fasterxml.jackson.core.io.NumberInput;
import io.batchwise.text.AsciiDigits;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Parses JSON number tokens straight from UTF-8 bytes, without a String per number, giving the
 * same values as {@link Float#parseFloat} and {@link Double#parseDouble}.
 *
 * <p>Grammar: strict JSON, {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. A leading
 * {@code +}, a leading zero, a bare {@code .5} or {@code 5.}, and the words NaN and Infinity are
 * not numbers here (the caller leaves such input to the full JSON parser, which reports it).
 *
 * <p>Conversion, after Clinger ("How to read floating point numbers accurately", 1990): the token
 * is read as a decimal {@code m * 10^e}. When {@code m <= 2^53} and {@code |e| <= 22}, both
 * {@code m} and {@code 10^|e|} are exact doubles, so one multiply or divide rounds once and gives
 * the correctly rounded double. A float is that double cast to float, which rounds a second time;
 * the two roundings can disagree with one correct rounding only when the double lands exactly on
 * a midpoint between two floats, and then the slow parser decides. For floats the same holds for
 * mantissas up to 18 digits (the 17-digit shortest repr of a double, as Python's json writes
 * float32 values, is the common case): converting {@code m} rounds too, so the double is within
 * about two of its ulps of the true value, and unless it lies within a few ulps of a float
 * midpoint both round to the same float. Outside these cases (long mantissas, large exponents)
 * the token goes to Jackson's {@link NumberInput} with its fast parser, the exact parser the
 * token-by-token path used, so results never depend on which path read them.
 *
 * <p>Instances hold the last token scanned and are reused across a whole array; not thread-safe.
 */
final class JsonNumberParser {
    /** Longest token taken; Jackson's default number-length limit is far above any real value. */
    static final int MAX_TOKEN = 100;
    private static final int MAX_EXACT_DIGITS = 18;
    private static final long TWO_TO_53 = 1L << 53;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final long[] LONG_POWERS_OF_TEN = {
        1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
    };
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    /** The 29 low bits of a double's significand that a float drops, and their value at a midpoint. */
    private static final long DROPPED_BITS = (1L << 29) - 1;
    private static final long MIDPOINT = 1L << 28;
    /** How close (in double ulps) to a float midpoint an inexact double may not come. */
    private static final long INEXACT_MARGIN = 4;

    private byte[] text;
    private int start;
    private int end;
    private boolean negative;
    private boolean integral;
    private long mantissa;
    /** Digits read into the mantissa: all but a lone leading 0, the fraction's leading zeros included. */
    private int digits;
    private long exponent;
    private long accumulator;

    /**
     * Scans a number token starting at {@code from}; the token ends at the first byte that cannot
     * continue it.
     *
     * @return the index after the token, or -1 when no JSON number starts at {@code from} (or it
     *     is longer than {@link #MAX_TOKEN})
     */
    int scan(byte[] b, int from, int limit) {
        // Locals and no per-digit branches beyond the loop test: this runs once per tensor element.
        // Past 18 digits the mantissa overflows and is garbage, but it is then never used.
        int i = from;
        boolean minus = i < limit && b[i] == '-';
        if (minus) {
            i++;
        }
        int c = i < limit ? b[i] - '0' : -1;
        if (c < 0 || c > 9) {
            return -1;
        }
        accumulator = c;
        int n = c == 0 ? 0 : 1; // a lone leading 0 is not a digit of the mantissa
        i++;
        if (c != 0) {
            int first = i;
            i = digits(b, i, limit);
            n += i - first;
        } else if (i < limit && (c = b[i] - '0') >= 0 && c <= 9) {
            return -1; // leading zero
        }
        long e = 0;
        boolean whole = true;
        if (i < limit && b[i] == '.') {
            whole = false;
            int first = ++i;
            i = digits(b, i, limit);
            if (i == first) {
                return -1;
            }
            n += i - first;
            e = first - i;
        }
        if (i < limit && (b[i] | 0x20) == 'e') {
            whole = false;
            i++;
            boolean negativeExponent = i < limit && b[i] == '-';
            if (i < limit && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int first = i;
            long x = 0;
            while (i < limit && (c = b[i] - '0') >= 0 && c <= 9) {
                if (x < Integer.MAX_VALUE) {
                    x = x * 10 + c;
                }
                i++;
            }
            if (i == first) {
                return -1;
            }
            e += negativeExponent ? -x : x;
        }
        if (i - from > MAX_TOKEN) {
            return -1;
        }
        text = b;
        start = from;
        end = i;
        negative = minus;
        integral = whole;
        mantissa = accumulator;
        digits = n;
        exponent = e;
        return i;
    }

    /**
     * Appends the run of digits at {@code i} to {@link #accumulator}; returns the index after it.
     * Eight bytes at a time (Lemire, "Number parsing at a gigabyte per second", 2021): the
     * run's length comes from a mask of the bytes that are not digits, and its value from three
     * multiplications that combine digit pairs, then pairs of pairs, then pairs of those.
     */
    private int digits(byte[] b, int i, int limit) {
        long m = accumulator;
        while (i + Long.BYTES <= limit) {
            long w = (long) LONGS.get(b, i);
            int k = AsciiDigits.digitRun(w);
            if (k == 0) {
                break;
            }
            m = m * LONG_POWERS_OF_TEN[k] + AsciiDigits.digitsValue(w, k);
            i += k;
            if (k < Long.BYTES) {
                break;
            }
        }
        int c;
        while (i < limit && (c = b[i] - '0') >= 0 && c <= 9) { // the last few bytes
            m = m * 10 + c;
            i++;
        }
        accumulator = m;
        return i;
    }

    /** True when the last token had no fraction and no exponent (a JSON integer). */
    boolean integral() {
        return integral;
    }

    /** True when the last token is zero, in any spelling (0, -0, 0.0e7) short enough to be sure. */
    boolean zero() {
        return digits <= MAX_EXACT_DIGITS && mantissa == 0;
    }

    /**
     * The last token as a long when it is an integer of at most 18 digits, else
     * {@link Long#MIN_VALUE} (callers treat that as "too large" and leave the token to Jackson).
     */
    long longValue() {
        if (!integral || digits > MAX_EXACT_DIGITS) {
            return Long.MIN_VALUE;
        }
        return negative ? -mantissa : mantissa;
    }

    /** The last token as {@link Double#parseDouble} reads it. */
    double doubleValue() {
        if (zero()) {
            return negative ? -0.0 : 0.0;
        }
        if (digits <= MAX_EXACT_DIGITS && mantissa <= TWO_TO_53 && Math.abs(exponent) < POWERS_OF_TEN.length) {
            double d = scaled();
            return negative ? -d : d;
        }
        return NumberInput.parseDouble(token(), true);
    }

    /** The last token as {@link Float#parseFloat} reads it. */
    float floatValue() {
        if (zero()) {
            return negative ? -0.0f : 0.0f;
        }
        if (digits <= MAX_EXACT_DIGITS && Math.abs(exponent) < POWERS_OF_TEN.length) {
            double d = scaled();
            long dropped = Double.doubleToRawLongBits(d) & DROPPED_BITS;
            long margin = mantissa <= TWO_TO_53 ? 0 : INEXACT_MARGIN;
            // Far from float's subnormal and overflow ranges, where a float's precision changes.
            if (Math.abs(dropped - MIDPOINT) > margin && d >= Float.MIN_NORMAL && d <= Float.MAX_VALUE) {
                float f = (float) d;
                return negative ? -f : f;
            }
        }
        return NumberInput.parseFloat(token(), true);
    }

    /** {@code mantissa * 10^exponent} rounded once (twice when the mantissa is not exact). */
    private double scaled() {
        double m = mantissa;
        return exponent >= 0 ? m * POWERS_OF_TEN[(int) exponent] : m / POWERS_OF_TEN[(int) -exponent];
    }

    /** The last token's text. */
    String token() {
        return new String(text, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
