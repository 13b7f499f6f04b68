package io.batchwise.tensor;

import java.nio.ByteBuffer;

/** Reads and writes single elements of any fixed-size datatype as Java numbers. */
public final class TensorValues {
    private TensorValues() {
    }

    /** All elements widened to double (BOOL as 0/1). */
    public static double[] toDoubles(Tensor t) {
        if (!t.type().fixedSize()) {
            throw new IllegalArgumentException("BYTES tensors have no numeric values");
        }
        ByteBuffer b = t.data();
        int n = Math.toIntExact(t.elementCount());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = get(t.type(), b, i);
        }
        return out;
    }

    /** Element {@code index} of little-endian buffer {@code b} of type {@code type}, as a double. */
    public static double get(DataType type, ByteBuffer b, int index) {
        int at = index * type.byteSize();
        switch (type) {
            case BOOL: return b.get(at) != 0 ? 1 : 0;
            case UINT8: return b.get(at) & 0xff;
            case INT8: return b.get(at);
            case INT16: return b.getShort(at);
            case INT32: return b.getInt(at);
            case INT64: return b.getLong(at);
            case FP16: return halfToFloat(b.getShort(at));
            case FP32: return b.getFloat(at);
            case FP64: return b.getDouble(at);
            default: throw new IllegalArgumentException("no numeric value for " + type);
        }
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    public static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float to IEEE 754 binary16, round to nearest even. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }
}
