package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JobBenchCommandTest {
    @Test
    void writeFixed5_writesWhatPercentFiveFWrites() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            double v = random.nextDouble(-1, 1);
            String expected = String.format(Locale.ROOT, "%.5f", v);
            assertEquals(expected.equals("-0.00000") ? "0.00000" : expected, fixed5(v), "value " + v);
        }
    }

    @Test
    void writeFixed5_edges() throws IOException {
        assertEquals("0.00000", fixed5(0));
        assertEquals("0.00000", fixed5(-0.000001));
        assertEquals("-0.00001", fixed5(-0.00001));
        assertEquals("0.50000", fixed5(0.5));
        assertEquals("1.00000", fixed5(0.999999));
        assertEquals("-1.00000", fixed5(-0.999999));
        assertEquals("0.01234", fixed5(0.012344));
    }

    private static String fixed5(double v) throws IOException {
        StringWriter w = new StringWriter();
        JobBenchCommand.writeFixed5(w, v);
        return w.toString();
    }
}
