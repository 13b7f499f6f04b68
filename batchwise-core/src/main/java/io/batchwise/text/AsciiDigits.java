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
        long head = (long) LONGS.get(b, from);
        long unsigned = (long) LONGS.get(b, from + 2);
        long signed = (long) LONGS.get(b, from + 3);
        int negative = (head & 0xff) == '-' ? 1 : 0;
        long w = negative == 1 ? head >>> 8 : head;
        long fraction = negative == 1 ? signed : unsigned;
        int digit = (int) (w & 0xff) - '0';
        int k = digitRun(fraction);
        if (digit < 0 || digit > 9 || (w >>> 8 & 0xff) != '.' || k == 0 || k == Long.BYTES
                || (fraction >>> (k << 3) & 0xff) != ',') {
            return -1;
        }
        return from + negative + 3 + k;
    }
}
