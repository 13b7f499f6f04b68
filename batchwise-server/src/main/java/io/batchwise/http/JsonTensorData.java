package io.batchwise.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.TensorValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a tensor's JSON {@code data} straight from the token stream into little-endian element
 * bytes, so a large FP32 tensor costs one pass and no boxed numbers.
 *
 * <p>Layouts: the protocol allows the row-major elements either flat ({@code [1,2,3,4]}) or nested
 * to the shape ({@code [[1,2],[3,4]]}). The first token inside the outer array picks the layout;
 * nested data must then match the shape at every level, since data that merely flattens to the
 * right count (Triton accepts any nesting) usually means the client's shape or data is wrong.
 * A rank-0 tensor may also give its one element bare.
 *
 * <p>Values: BOOL takes true/false; integer types take JSON integers within the type's range;
 * FP16/FP32/FP64 take numbers, the strings "NaN", "Infinity", "+Infinity" and "-Infinity", and the
 * same words bare (JSON itself has no NaN, but Python's json module writes them). A finite number
 * too large for the type is rejected rather than silently becoming infinity. BYTES takes strings,
 * stored as a 4-byte little-endian length and the UTF-8 bytes.
 */
final class JsonTensorData {
    private final JsonParser p;
    private final String label;
    private final DataType type;
    private final long[] shape;
    private final int expected;
    private final ByteBuffer fixed;
    private final ByteArrayOutputStream variable;
    private int count;

    private JsonTensorData(JsonParser p, String label, DataType type, long[] shape, int expected) {
        this.p = p;
        this.label = label;
        this.type = type;
        this.shape = shape;
        this.expected = expected;
        if (type.fixedSize()) {
            fixed = ByteBuffer.allocate(expected * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            variable = null;
        } else {
            fixed = null;
            variable = new ByteArrayOutputStream(Math.min(expected, 1 << 16) * 8);
        }
    }

    /**
     * Reads the value the parser is at and returns its element bytes, positioned at 0.
     *
     * @param expected the element count of {@code shape}, already checked to fit in memory
     * @throws InvalidInput when the data does not match the type or shape
     */
    static ByteBuffer read(JsonParser p, String label, DataType type, long[] shape, int expected) throws IOException {
        JsonTensorData reader = new JsonTensorData(p, label, type, shape, expected);
        reader.readValue();
        return reader.result();
    }

    private void readValue() throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_ARRAY) {
            if (shape.length != 0) {
                throw invalid("data must be an array, got " + JsonValues.describe(p));
            }
            element(t);
            return;
        }
        JsonToken first = p.nextToken();
        boolean nested = first == JsonToken.START_ARRAY;
        if (nested && shape.length < 2) {
            throw invalid("data is nested deeper than shape " + Arrays.toString(shape));
        }
        long children = 0;
        for (JsonToken c = first; c != JsonToken.END_ARRAY; c = p.nextToken()) {
            if (nested) {
                checkNotTooMany(0, children);
                child(c, 0);
            } else {
                if (c == JsonToken.START_ARRAY) {
                    throw invalid("data mixes values and nested arrays; give it flat or nested to shape "
                            + Arrays.toString(shape));
                }
                element(c);
            }
            children++;
        }
        if (nested) {
            checkCount(0, children);
        } else if (count != expected) {
            throw invalid("shape " + Arrays.toString(shape) + " needs " + expected + " elements but data has " + count);
        }
    }

    /** One entry of a nested array at {@code level} (0 = outermost). */
    private void child(JsonToken t, int level) throws IOException {
        if (level == shape.length - 1) {
            if (t == JsonToken.START_ARRAY) {
                throw invalid("data is nested deeper than shape " + Arrays.toString(shape));
            }
            element(t);
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw invalid("nested data does not match shape " + Arrays.toString(shape) + ": entries of dimension "
                    + level + " must be arrays, got " + JsonValues.describe(p));
        }
        long children = 0;
        for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
            checkNotTooMany(level + 1, children);
            child(c, level + 1);
            children++;
        }
        checkCount(level + 1, children);
    }

    private void checkNotTooMany(int dim, long children) {
        if (children == shape[dim]) {
            throw invalid("nested data does not match shape " + Arrays.toString(shape) + ": dimension " + dim
                    + " has more than " + shape[dim] + " entries");
        }
    }

    private void checkCount(int dim, long children) {
        if (children != shape[dim]) {
            throw invalid("nested data does not match shape " + Arrays.toString(shape) + ": dimension " + dim + " has "
                    + children + " entries, expected " + shape[dim]);
        }
    }

    private void element(JsonToken t) throws IOException {
        if (count == expected) {
            throw invalid("shape " + Arrays.toString(shape) + " needs " + expected + " elements but data has more");
        }
        switch (type) {
            case BOOL:
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw wrongValue("true or false");
                }
                fixed.put(t == JsonToken.VALUE_TRUE ? (byte) 1 : (byte) 0);
                break;
            case UINT8:
                fixed.put((byte) integer(t, 0, 0xff));
                break;
            case INT8:
                fixed.put((byte) integer(t, Byte.MIN_VALUE, Byte.MAX_VALUE));
                break;
            case INT16:
                fixed.putShort((short) integer(t, Short.MIN_VALUE, Short.MAX_VALUE));
                break;
            case INT32:
                fixed.putInt((int) integer(t, Integer.MIN_VALUE, Integer.MAX_VALUE));
                break;
            case INT64:
                fixed.putLong(integer(t, Long.MIN_VALUE, Long.MAX_VALUE));
                break;
            case FP16:
                fixed.putShort(half(t));
                break;
            case FP32:
                fixed.putFloat(single(t));
                break;
            case FP64:
                fixed.putDouble(dbl(t));
                break;
            case BYTES:
                bytes(t);
                break;
            default:
                throw new IllegalStateException("unhandled datatype " + type);
        }
        count++;
    }

    private long integer(JsonToken t, long min, long max) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw wrongValue("an integer");
        }
        long v;
        try {
            v = p.getLongValue();
        } catch (InputCoercionException e) {
            throw outOfRange();
        }
        if (v < min || v > max) {
            throw outOfRange();
        }
        return v;
    }

    private short half(JsonToken t) throws IOException {
        float f = single(t);
        short h = TensorValues.floatToHalf(f);
        // Rounding to binary16 overflows past 65504; only a client that said Infinity gets one.
        if (Float.isFinite(f) && (h & 0x7c00) == 0x7c00) {
            throw outOfRange();
        }
        return h;
    }

    private float single(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            float f = p.getFloatValue();
            if (Float.isInfinite(f) && !namedNonFinite()) {
                throw outOfRange();
            }
            return f;
        }
        return (float) nonFiniteString(t);
    }

    private double dbl(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            double d = p.getDoubleValue();
            if (Double.isInfinite(d) && !namedNonFinite()) {
                throw outOfRange();
            }
            return d;
        }
        return nonFiniteString(t);
    }

    /** True when the infinite number just read was written as a word (bare Infinity), not as digits. */
    private boolean namedNonFinite() throws IOException {
        String text = p.getText();
        return !text.isEmpty() && Character.isLetter(text.charAt(text.length() - 1));
    }

    private double nonFiniteString(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            switch (p.getText()) {
                case "NaN": return Double.NaN;
                case "Infinity":
                case "+Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw wrongValue("a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
    }

    private void bytes(JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw wrongValue("a string");
        }
        byte[] utf8 = p.getText().getBytes(StandardCharsets.UTF_8);
        int n = utf8.length;
        variable.write(n);
        variable.write(n >>> 8);
        variable.write(n >>> 16);
        variable.write(n >>> 24);
        variable.write(utf8, 0, n);
    }

    private ByteBuffer result() {
        if (fixed != null) {
            return fixed.flip();
        }
        return ByteBuffer.wrap(variable.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private InvalidInput wrongValue(String wanted) throws IOException {
        return invalid("element " + count + ": expected " + wanted + " for " + type + ", got " + JsonValues.describe(p));
    }

    private InvalidInput outOfRange() throws IOException {
        return invalid("element " + count + ": " + p.getText() + " is out of range for " + type);
    }

    private InvalidInput invalid(String message) {
        return new InvalidInput(label + ": " + message);
    }
}
