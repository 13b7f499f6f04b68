package io.batchwise.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IEEE 754 binary16 conversions, checked against values computed exactly in double arithmetic. */
class HalfFloatTest {
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "0x0000, 0.0",
            "0x8000, -0.0",
            "0x3c00, 1.0",
            "0xc000, -2.0",
            "0x3555, 0.333251953125",
            "0x7bff, 65504.0",
            "0x0400, 6.103515625E-5",
            "0x0001, 5.9604644775390625E-8",
            "0x03ff, 6.097555160522461E-5",
            "0x7c00, Infinity",
            "0xfc00, -Infinity"})
    void halfToFloat_knownValues(String bits, double value) {
        short h = (short) Integer.parseInt(bits.substring(2), 16);
        assertEquals(value, TensorValues.halfToFloat(h), 0.0);
        assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(TensorValues.halfToFloat(h)));
    }

    @Test
    void halfToFloat_everyHalf_matchesExactValue() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = TensorValues.halfToFloat((short) bits);
            if (isNaN(bits)) {
                assertTrue(Float.isNaN(f), Integer.toHexString(bits));
            } else {
                assertEquals(exact(bits), f, 0.0, Integer.toHexString(bits));
            }
        }
    }

    @Test
    void floatToHalf_everyHalf_roundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short back = TensorValues.floatToHalf(TensorValues.halfToFloat((short) bits));
            if (isNaN(bits)) {
                assertTrue(isNaN(back & 0xffff), Integer.toHexString(bits));
            } else {
                assertEquals(bits, back & 0xffff, Integer.toHexString(bits));
            }
        }
    }

    /** Between two neighbouring halves: below the midpoint rounds down, above rounds up, a tie goes to the even one. */
    @Test
    void floatToHalf_betweenNeighbours_roundsToNearestEven() {
        for (int bits = 0; bits < 0x7bff; bits++) {
            double lo = exact(bits);
            double hi = exact(bits + 1);
            double mid = (lo + hi) / 2; // exact in float: halves have 11 significant bits
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertEquals(even, TensorValues.floatToHalf((float) mid) & 0xffff, "tie at " + mid);
            assertEquals(bits, TensorValues.floatToHalf(Math.nextDown((float) mid)) & 0xffff, "below " + mid);
            assertEquals(bits + 1, TensorValues.floatToHalf(Math.nextUp((float) mid)) & 0xffff, "above " + mid);
            assertEquals(bits | 0x8000, TensorValues.floatToHalf((float) -Math.nextDown((float) mid)) & 0xffff);
        }
    }

    @Test
    void floatToHalf_outOfRange_saturatesToInfinityOrZero() {
        assertEquals(0x7c00, TensorValues.floatToHalf(65520f) & 0xffff); // the midpoint above 65504 rounds up
        assertEquals(0x7bff, TensorValues.floatToHalf(65519.99f) & 0xffff);
        assertEquals(0x7c00, TensorValues.floatToHalf(1e10f) & 0xffff);
        assertEquals(0xfc00, TensorValues.floatToHalf(-Float.MAX_VALUE) & 0xffff);
        assertEquals(0x0000, TensorValues.floatToHalf(1e-10f) & 0xffff);
        assertEquals(0x8000, TensorValues.floatToHalf(-1e-10f) & 0xffff);
        assertEquals(0x0000, TensorValues.floatToHalf((float) Math.scalb(1.0, -25)) & 0xffff); // tie to even 0
        assertEquals(0x0001, TensorValues.floatToHalf(Math.nextUp((float) Math.scalb(1.0, -25))) & 0xffff);
        assertEquals(0x7c00, TensorValues.floatToHalf(Float.POSITIVE_INFINITY) & 0xffff);
        assertTrue(isNaN(TensorValues.floatToHalf(Float.NaN) & 0xffff));
    }

    private static boolean isNaN(int bits) {
        return (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
    }

    /** The value of a half computed from its fields, in double arithmetic (exact). */
    private static double exact(int bits) {
        int sign = (bits >> 15) & 1;
        int exp = (bits >> 10) & 0x1f;
        int mant = bits & 0x3ff;
        double v;
        if (exp == 0x1f) {
            v = Double.POSITIVE_INFINITY;
        } else if (exp == 0) {
            v = Math.scalb((double) mant, -24);
        } else {
            v = Math.scalb(1024.0 + mant, exp - 25);
        }
        return sign == 1 ? -v : v;
    }
}
