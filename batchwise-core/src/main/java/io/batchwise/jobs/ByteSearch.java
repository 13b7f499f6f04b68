package io.batchwise.jobs;

import io.batchwise.text.AsciiDigits;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches over batch lines eight bytes at a time, so that reading a line
 * ({@link LineReader}) and finding its body ({@link InputLine#parseValidated}) do not pay a
 * branch per byte of a large body.
 *
 * <p>SWAR ("SIMD within a register"): a byte of {@code x} is zero exactly where
 * {@code (x - 0x01..01) & ~x & 0x80..80} has its high bit set, counting from the lowest byte up to
 * the first zero (borrows can only mark bytes above a real zero). XOR-ing the word with a byte
 * repeated eight times turns "equals that byte" into "is zero"; reading the word little-endian
 * makes the lowest marked byte the first match in the array.
 */
final class ByteSearch {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CASE = 0x2020202020202020L;

    private ByteSearch() {
    }

    /** The index of the first {@code "} or {@code \} at or after {@code from}, or {@code end}. */
    static int quoteOrBackslash(byte[] b, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i);
            long found = equal(w, '"') | equal(w, '\\');
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '"' || b[i] == '\\') {
                return i;
            }
        }
        return end;
    }

    /**
     * The index of the first {@code "}, {@code [}, {@code ]}, <code>{</code> or <code>}</code> at
     * or after {@code from}, or {@code end}.
     */
    static int quoteOrBracket(byte[] b, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i);
            long folded = w | CASE; // [ and ] become { and }, and only they do
            long found = equal(w, '"') | equal(folded, '{') | equal(folded, '}');
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '"' || c == '[' || c == ']' || c == '{' || c == '}') {
                return i;
            }
        }
        return end;
    }

    /** The index of the first {@code c} at or after {@code from}, or {@code end}. */
    static int indexOf(byte[] b, int from, int end, char c) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long found = equal((long) LONGS.get(b, i), c);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return end;
    }

    /**
     * The index of the first {@code "}, {@code \}, or control character (below 0x20) at or after
     * {@code from}, or {@code end}: where a JSON string ends or needs a closer look.
     */
    static int quoteBackslashOrControl(byte[] b, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i);
            long found = equal(w, '"') | equal(w, '\\') | ((w - CASE) & ~w & HIGHS);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
                return i;
            }
        }
        return end;
    }

    /** The index of the first byte at or after {@code from} that is not an ASCII digit, or {@code end}. */
    static int skipDigits(byte[] b, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            int run = AsciiDigits.digitRun((long) LONGS.get(b, i));
            if (run < Long.BYTES) {
                return i + run;
            }
        }
        for (; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
            // digits
        }
        return i;
    }

    /** True when {@code b[from, end)} is all ASCII (no byte has its high bit set). */
    static boolean ascii(byte[] b, int from, int end) {
        int i = from;
        long any = 0;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            any |= (long) LONGS.get(b, i);
        }
        for (; i < end; i++) {
            any |= b[i];
        }
        return (any & HIGHS) == 0;
    }

    /** High bits set in the bytes of {@code w} equal to {@code c} (exact up to the first). */
    private static long equal(long w, char c) {
        long x = w ^ (ONES * c);
        return (x - ONES) & ~x & HIGHS;
    }
}
