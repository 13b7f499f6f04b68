package io.batchwise.http;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.TensorValues;
import io.batchwise.text.AsciiDigits;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a well-formed numeric {@code data} array straight from the body's bytes into
 * little-endian element bytes: the fast path of {@link JsonTensorData}, for the numeric types.
 *
 * <p>It takes only what {@link JsonTensorData} would accept with the same values: flat data with
 * exactly the shape's element count, or data nested to match the shape at every level; numbers in
 * strict JSON syntax, integers within the type's range for integer types, finite values for the
 * floating-point types. Anything else (NaN or Infinity in any spelling, a count that does not
 * match, an out-of-range value, a syntax error) makes {@link #read} return false, leaving the array
 * to the token-by-token reader, which accepts it or reports it exactly as before.
 *
 * <p>One difference from a plain number parser is kept on purpose: a JSON integer is read as an
 * integer, so {@code -0} is +0.0 in a float tensor, as Jackson's token reader has it.
 */
final class NumericArrayReader {
    private static final Set<DataType> TYPES = EnumSet.of(DataType.UINT8, DataType.INT8, DataType.INT16,
            DataType.INT32, DataType.INT64, DataType.FP16, DataType.FP32, DataType.FP64);
    /** Little-endian views of the output array (cheaper per element than a ByteBuffer's puts). */
    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Mantissas up to 2^24 are exact floats, as are these powers of ten. */
    private static final long SHORT_LIMIT = 1 << 24;
    private static final float[] FLOAT_POWERS_OF_TEN = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f};
    /** Bytes a short token's reads may reach past its start: sign, 8 integer digits, point, 8 bytes. */
    private static final int SHORT_WINDOW = 24;

    private final byte[] b;
    private final int limit;
    private final DataType type;
    private final long[] shape;
    private final int expected;
    private final byte[] out;
    private final JsonNumberParser number = new JsonNumberParser();
    private int i;
    private int count;

    /**
     * @param limit    end of the JSON in {@code b}
     * @param expected the element count of {@code shape}
     */
    NumericArrayReader(byte[] b, int limit, DataType type, long[] shape, int expected) {
        this.b = b;
        this.limit = limit;
        this.type = type;
        this.shape = shape;
        this.expected = expected;
        this.out = new byte[expected * type.byteSize()];
    }

    /** True for the types this reader handles (BOOL and BYTES are not numbers). */
    static boolean handles(DataType type) {
        return TYPES.contains(type);
    }

    /**
     * Reads the array whose {@code [} is at {@code from}.
     *
     * @return true when the whole array was read; {@link #end()} and {@link #data()} then hold it
     */
    boolean read(int from) {
        i = from + 1;
        skipWhitespace();
        if (i < limit && b[i] == '[') {
            return shape.length >= 2 && nested(0);
        }
        return flat() && count == expected;
    }

    /** The index after the array's {@code ]}. */
    int end() {
        return i;
    }

    /** The elements, positioned at 0. */
    ByteBuffer data() {
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements of a flat array, {@link #i} just inside its {@code [}. */
    private boolean flat() {
        if (i < limit && b[i] == ']') {
            i++;
            return true;
        }
        if (type == DataType.FP32) {
            int stop = limit - SHORT_WINDOW;
            while (i <= stop && count < expected) {
                int next = oneDigitSingle(i);
                if (next < 0) {
                    break;
                }
                i = next;
                count++;
            }
            skipWhitespace();
        }
        while (true) {
            if (!element()) {
                return false;
            }
            skipWhitespace();
            if (i >= limit) {
                return false;
            }
            byte c = b[i++];
            if (c == ']') {
                return true;
            }
            if (c != ',') {
                return false;
            }
            skipWhitespace();
        }
    }

    /** A nested array of dimension {@code level}, {@link #i} at its {@code [}. */
    private boolean nested(int level) {
        if (i >= limit || b[i] != '[') {
            return false;
        }
        i++;
        skipWhitespace();
        long children = 0;
        if (i < limit && b[i] == ']') {
            i++;
            return shape[level] == 0;
        }
        boolean last = level == shape.length - 1;
        while (true) {
            if (children == shape[level] || !(last ? element() : nested(level + 1))) {
                return false;
            }
            children++;
            skipWhitespace();
            if (i >= limit) {
                return false;
            }
            byte c = b[i++];
            if (c == ']') {
                return children == shape[level];
            }
            if (c != ',') {
                return false;
            }
            skipWhitespace();
        }
    }

    private boolean element() {
        if (type == DataType.FP32 && count < expected) {
            int end = shortSingle(i);
            if (end >= 0) {
                i = end;
                count++;
                return true;
            }
        }
        int end = count == expected ? -1 : number.scan(b, i, limit);
        if (end < 0) {
            return false;
        }
        i = end;
        boolean ok = switch (type) {
            case UINT8 -> integer(0, 0xff);
            case INT8 -> integer(Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> integer(Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> integer(Long.MIN_VALUE, Long.MAX_VALUE);
            case FP16 -> half();
            case FP32 -> single();
            case FP64 -> dbl();
            default -> false;
        };
        count++; // after the write, which indexes by it
        return ok;
    }

    /** Integers of up to 18 digits; longer ones (and fractions) are left to the token reader. */
    private boolean integer(long min, long max) {
        long v = number.longValue();
        if (v == Long.MIN_VALUE || v < min || v > max) {
            return false;
        }
        switch (type.byteSize()) {
            case 1 -> out[count] = (byte) v;
            case 2 -> SHORTS.set(out, count * 2, (short) v);
            case 4 -> INTS.set(out, count * 4, (int) v);
            default -> LONGS.set(out, count * 8, v);
        }
        return true;
    }

    /**
     * The common float token, {@code -?(0|[1-9][0-9]{0,6})\.[0-9]{1,7}} with a value below 2^24
     * when its point is dropped (what {@code %.5f} and most writers of features produce), read
     * and stored in one pass: the fraction's digits in one eight-byte read, the sign without a
     * branch. Returns the index after the token, or -1 for any other token (and near the end of
     * the body), which {@link JsonNumberParser} then reads. The digits without the point are an
     * exact float below 2^24, as is 10^k for k <= 10, so one float division rounds once and gives
     * exactly {@link Float#parseFloat}'s value (Clinger's fast path, in single precision).
     */
    private int shortSingle(int from) {
        int j = from;
        if (limit - j < SHORT_WINDOW) {
            return -1;
        }
        int negative = b[j] == '-' ? 1 : 0;
        j += negative;
        int c = b[j] - '0';
        if (c < 0 || c > 9) {
            return -1;
        }
        long m = c;
        j++;
        while ((c = b[j] - '0') >= 0 && c <= 9) {
            if (m == 0 || m >= SHORT_LIMIT) {
                return -1; // a leading zero, or a long integer part: the general parser decides
            }
            m = m * 10 + c;
            j++;
        }
        if (b[j] != '.') {
            return -1;
        }
        j++;
        long w = (long) LONGS.get(b, j);
        int k = AsciiDigits.digitRun(w);
        if (k == 0 || k == Long.BYTES) {
            return -1;
        }
        m = m * JsonNumberParser.LONG_POWERS_OF_TEN[k] + AsciiDigits.digitsValue(w, k);
        j += k;
        if (m > SHORT_LIMIT || (b[j] | 0x20) == 'e') {
            return -1;
        }
        float f = m / FLOAT_POWERS_OF_TEN[k];
        INTS.set(out, count * 4, Float.floatToRawIntBits(f) | negative << 31);
        return j;
    }

    /**
     * The commonest token of a feature row and its comma ({@link AsciiDigits#oneDigitDecimal}),
     * valued as {@link #shortSingle} values it. Returns the index after the comma, or -1 for any
     * other token (which {@link #element} then reads); the caller keeps {@link #SHORT_WINDOW}
     * bytes before {@link #limit}.
     */
    private int oneDigitSingle(int from) {
        long head = (long) LONGS.get(b, from);
        long unsigned = (long) LONGS.get(b, from + 2);
        long signed = (long) LONGS.get(b, from + 3);
        int next = AsciiDigits.oneDigitDecimal(from, head, unsigned, signed);
        if (next < 0) {
            return -1;
        }
        // the value from the same reads, off the chain from one token's start to the next's
        int negative = AsciiDigits.minus(head);
        int k = next - from - negative - 3;
        long m = ((head >>> (negative << 3) & 0xff) - '0') * JsonNumberParser.LONG_POWERS_OF_TEN[k]
                + AsciiDigits.digitsValue(AsciiDigits.fraction(unsigned, signed, negative), k);
        if (m > SHORT_LIMIT) {
            return -1;
        }
        float f = m / FLOAT_POWERS_OF_TEN[k];
        INTS.set(out, count * 4, Float.floatToRawIntBits(f) | negative << 31);
        return next;
    }

    private float floatValue() {
        return number.integral() && number.zero() ? 0.0f : number.floatValue();
    }

    private boolean single() {
        float f = floatValue();
        if (Float.isInfinite(f)) {
            return false;
        }
        INTS.set(out, count * 4, Float.floatToRawIntBits(f));
        return true;
    }

    private boolean half() {
        float f = floatValue();
        short h = TensorValues.floatToHalf(f);
        if ((h & 0x7c00) == 0x7c00) {
            return false; // infinite, or finite but beyond binary16's range
        }
        SHORTS.set(out, count * 2, h);
        return true;
    }

    private boolean dbl() {
        double d = number.integral() && number.zero() ? 0.0 : number.doubleValue();
        if (Double.isInfinite(d)) {
            return false;
        }
        LONGS.set(out, count * 8, Double.doubleToRawLongBits(d));
        return true;
    }

    private void skipWhitespace() {
        while (i < limit) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }
}
