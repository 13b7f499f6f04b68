package io.batchwise.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Digit scanning eight bytes at a time, shared by the JSON readers of the HTTP front end and of
 * batch-job validation, so that both agree on what a number token is.
 */
public final class AsciiDigits {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private AsciiDigits() {
    }

    /**
     * How many of the low bytes of {@code w} are ASCII digits before the first that is not (0 to
     * 8): a digit's high nibble is 3 and its low nibble stays below 16 when 6 is added.
     */
    public static int digitRun(long w) {
        long notDigits = ((w & 0xf0f0f0f0f0f0f0f0L) ^ 0x3030303030303030L)
                | (((w + 0x0606060606060606L) & 0xf0f0f0f0f0f0f0f0L) ^ 0x3030303030303030L);
        return Long.numberOfTrailingZeros(notDigits) >>> 3;
    }

    /**
     * The commonest token of a feature row, {@code -?[0-9]\.[0-9]{1,7}} and the comma after it,
     * at {@code from}: returns the index after the comma, or -1 for anything else. It is read
     * from three eight-byte reads that depend only on where the token starts (the sign, the
     * integer digit and the point from the first, the fraction from the second or the third), so
     * the next token's start follows from this one's in a short chain of register operations
     * rather than a read of each byte. The caller keeps 11 bytes of {@code b} from {@code from}
     * (sign, digit, point and eight).
     */
    public static int oneDigitDecimal(byte[] b, int from) {
        return oneDigitDecimal(from, (long) LONGS.get(b, from), (long) LONGS.get(b, from + 2),
                (long) LONGS.get(b, from + 3));
    }

    /**
     * {@link #oneDigitDecimal(byte[], int)} from its three reads, for a caller that reads the
     * token's value from them too: the eight bytes at {@code from}, {@code from + 2} and
     * {@code from + 3}. No step branches on the sign: in feature rows the sign is a coin toss, and
     * a branch on it, mispredicted half the time, cost nearly as much as the rest of reading the
     * number (in a scratch timing, not a command in the repo: 12.5 us against 7 us per 1,024
     * floats, mixed signs against positive ones; {@code bench jobs} shows the whole change in its
     * job thread's CPU per row).
     */
    public static int oneDigitDecimal(int from, long head, long unsigned, long signed) {
        // Both fraction runs are measured, then one is chosen by the sign, so that the next
        // token's start waits on neither a branch nor the sign's test.
        int unsignedRun = digitRun(unsigned);
        int signedRun = digitRun(signed);
        int negative = minus(head);
        int k = unsignedRun ^ (unsignedRun ^ signedRun) & -negative;
        long w = head >>> (negative << 3);
        long fraction = fraction(unsigned, signed, negative);
        int digit = (int) (w & 0xff) - '0';
        if (digit < 0 || digit > 9 || (w >>> 8 & 0xff) != '.' || k == 0 || k == Long.BYTES
                || (fraction >>> (k << 3) & 0xff) != ',') {
            return -1;
        }
        return from + negative + 3 + k;
    }

    /** Of the reads at a token's {@code from + 2} and {@code from + 3}, the one its fraction starts. */
    public static long fraction(long unsigned, long signed, int negative) {
        long signMask = -(long) negative;
        return unsigned & ~signMask | signed & signMask;
    }

    /** The value of {@code k} (1 to 8) ASCII digits in the low bytes of {@code w}, the first lowest. */
    public static long digitsValue(long w, int k) {
        // Shifted to the last k of eight places, the digits have zero bytes before them: leading zeros.
        return eightDigits(w << ((Long.BYTES - k) << 3));
    }

    /** The value of eight ASCII digits, the first in the lowest byte. */
    private static long eightDigits(long w) {
        w = (w & 0x0f0f0f0f0f0f0f0fL) * 2561 >>> 8;
        w = (w & 0x00ff00ff00ff00ffL) * 6553601 >>> 16;
        return (w & 0x0000ffff0000ffffL) * 42949672960001L >>> 32;
    }

    /** 1 when the low byte of {@code w} is {@code '-'}, else 0, computed without a branch. */
    public static int minus(long w) {
        return (int) (((w & 0xff) ^ '-') - 1) >>> 31;
    }
}
