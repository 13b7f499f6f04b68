package io.batchwise.onnx;

import java.nio.charset.StandardCharsets;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014; constants as in Vigna's reference splitmix64.c).
 *
 * <p>Chosen because it is a few lines of pure 64-bit integer arithmetic: the sequence is fixed
 * by the algorithm, not by a JDK's {@code java.util.Random} or {@code SplittableRandom}
 * implementation, so demo model files are byte-identical on every JDK and machine.
 */
final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [-1, 1): the top 24 bits, so every value is an exact float. */
    float nextSignedUnitFloat() {
        return (nextLong() >>> 40) * 0x1.0p-23f - 1.0f;
    }

    /**
     * A seed for one named tensor of a model, so each tensor has its own independent stream and
     * adding a tensor does not shift the others. The label is hashed with 64-bit FNV-1a over its
     * UTF-8 bytes and mixed with the base.
     */
    static long derive(long base, String label) {
        long h = 0xCBF29CE484222325L;
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return mix(base ^ h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
