package io.batchwise.onnx;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeededWeightsTest {

    @Test
    void splitMix64_seed1234567_matchesReferenceSequence() {
        // First outputs of Vigna's splitmix64.c for this seed: pins the generator on every JDK.
        SplitMix64 r = new SplitMix64(1234567);
        long[] expected = {6457827717110365317L, 3203168211198807973L, Long.parseUnsignedLong("9817491932198370423"),
                4593380528125082431L, Long.parseUnsignedLong("16408922859458223821")};
        for (long e : expected) {
            assertEquals(e, r.nextLong());
        }
    }

    @Test
    void values_sameSeed_identical() {
        assertArrayEquals(SeededWeights.uniform(7, 1f).values(1000), SeededWeights.uniform(7, 1f).values(1000));
    }

    @Test
    void values_otherSeed_differ() {
        assertFalse(java.util.Arrays.equals(SeededWeights.uniform(7, 1f).values(100),
                SeededWeights.uniform(8, 1f).values(100)));
    }

    @Test
    void values_anySeed_stayWithinScaleAndCenterOnZero() {
        float[] v = SeededWeights.uniform(3, 0.5f).values(100_000);
        double sum = 0;
        for (float x : v) {
            assertTrue(x >= -0.5f && x < 0.5f, "value " + x);
            sum += x;
        }
        assertEquals(0, sum / v.length, 0.01);
    }

    @Test
    void xavier_fans_giveGlorotScale() {
        assertEquals((float) Math.sqrt(6.0 / 300), SeededWeights.xavier(1, 100, 200).scale());
    }

    @Test
    void uniform_zeroScale_rejected() {
        assertThrows(IllegalArgumentException.class, () -> SeededWeights.uniform(1, 0f));
    }

    @Test
    void writeLittleEndian_anyCount_matchesValues() throws IOException {
        int count = 40_000; // spans several write chunks
        SeededWeights w = SeededWeights.xavier(11, 64, 64);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.writeLittleEndian(out, count);
        float[] written = new float[count];
        ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(written);
        assertArrayEquals(w.values(count), written);
    }

    @Test
    void derive_labels_giveDistinctStableSeeds() {
        assertEquals(SplitMix64.derive(1, "a.weight"), SplitMix64.derive(1, "a.weight"));
        assertFalse(SplitMix64.derive(1, "a.weight") == SplitMix64.derive(1, "a.bias"));
        assertFalse(SplitMix64.derive(1, "a.weight") == SplitMix64.derive(2, "a.weight"));
    }
}
