package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteSearchTest {
    /** Mostly digits and commas, with the searched bytes and high (non-ASCII) bytes sprinkled in. */
    private static byte[] randomLine(SplittableRandom r, int length) {
        byte[] special = {'"', '\\', '[', ']', '{', '}', (byte) 0xdb, (byte) 0xfb, (byte) 0xa2, 0x7b - 0x20 - 1, ';'};
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = r.nextInt(40) == 0 ? special[r.nextInt(special.length)] : (byte) "0123456789,.-e "
                    .charAt(r.nextInt(15));
        }
        return b;
    }

    private static int naive(byte[] b, int from, int end, String set) {
        for (int i = from; i < end; i++) {
            if (set.indexOf(b[i]) >= 0) {
                return i;
            }
        }
        return end;
    }

    @Test
    void search_randomLines_sameAsAByteLoop() {
        SplittableRandom r = new SplittableRandom(42);
        for (int k = 0; k < 20_000; k++) {
            byte[] b = randomLine(r, r.nextInt(1, 80));
            int from = r.nextInt(b.length + 1);
            int end = r.nextInt(from, b.length + 1);
            assertEquals(naive(b, from, end, "\"\\"), ByteSearch.quoteOrBackslash(b, from, end));
            assertEquals(naive(b, from, end, "\"[]{}"), ByteSearch.quoteOrBracket(b, from, end));
            assertEquals(naive(b, from, end, "\\"), ByteSearch.indexOf(b, from, end, '\\'));
            boolean ascii = true;
            for (int i = from; i < end; i++) {
                ascii &= b[i] >= 0;
            }
            assertEquals(ascii, ByteSearch.ascii(b, from, end));
        }
    }
}
