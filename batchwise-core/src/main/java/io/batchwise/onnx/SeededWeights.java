package io.batchwise.onnx;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Deterministic FP32 weights: a stream of values uniform in [-scale, scale) drawn from a
 * {@link SplitMix64} generator seeded with {@code seed}. The same seed and scale give the same
 * values, bit for bit, on every run, JDK and machine.
 *
 * <p>A graph holds this description rather than the values; {@link OnnxWriter} generates them
 * while it writes, so a 100 MB model never sits in memory.
 *
 * @param seed  the generator seed
 * @param scale the half-width of the uniform range; positive and finite
 */
public record SeededWeights(long seed, float scale) {
    private static final int CHUNK_FLOATS = 16 * 1024;

    public SeededWeights {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
    }

    /** Values uniform in [-scale, scale). */
    public static SeededWeights uniform(long seed, float scale) {
        return new SeededWeights(seed, scale);
    }

    /**
     * Glorot/Xavier uniform initialisation, scale = sqrt(6 / (fanIn + fanOut)): it keeps the
     * variance of activations roughly constant from layer to layer, so deep demo models give
     * outputs of order one instead of overflowing or vanishing.
     */
    public static SeededWeights xavier(long seed, long fanIn, long fanOut) {
        if (fanIn < 1 || fanOut < 1) {
            throw new IllegalArgumentException("fanIn and fanOut must be positive, got " + fanIn + ", " + fanOut);
        }
        return new SeededWeights(seed, (float) Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    /** The first {@code count} values, for small tensors and reference computations. */
    public float[] values(int count) {
        float[] out = new float[count];
        reader().read(out, 0, count);
        return out;
    }

    /** A fresh reader positioned at the first value. */
    Reader reader() {
        return new Reader(new SplitMix64(seed), scale);
    }

    /** Writes the first {@code count} values as little-endian IEEE 754 floats. */
    void writeLittleEndian(OutputStream out, long count) throws IOException {
        Reader reader = reader();
        float[] floats = new float[(int) Math.min(CHUNK_FLOATS, Math.max(count, 1))];
        byte[] bytes = new byte[floats.length * 4];
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(floats.length, count - done);
            reader.read(floats, 0, n);
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(floats[i]);
                bytes[4 * i] = (byte) bits;
                bytes[4 * i + 1] = (byte) (bits >>> 8);
                bytes[4 * i + 2] = (byte) (bits >>> 16);
                bytes[4 * i + 3] = (byte) (bits >>> 24);
            }
            out.write(bytes, 0, 4 * n);
            done += n;
        }
    }

    /** Sequential access to the values, so reference computations can stream large tensors. */
    static final class Reader {
        private final SplitMix64 random;
        private final float scale;

        private Reader(SplitMix64 random, float scale) {
            this.random = random;
            this.scale = scale;
        }

        float next() {
            return random.nextSignedUnitFloat() * scale;
        }

        void read(float[] dst, int off, int len) {
            for (int i = off; i < off + len; i++) {
                dst[i] = next();
            }
        }
    }
}
