package io.batchwise.http;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The structural walk of {@link NumericDataPrescan}: from the request object to the objects of
 * its top-level {@code inputs} array, where it reads numeric {@code data} arrays with
 * {@link NumericArrayReader} once {@code datatype} and {@code shape} have been seen. It looks only
 * at quotes, brackets, commas and colons, and skips everything else.
 *
 * <p>It assumes well-formed JSON and gives up (returns false) where it is not; it never needs to
 * report why, since the usual path then decodes the body. Keys are compared as raw bytes, so a
 * key spelled with escapes is not recognised, and its value is left to the usual path.
 */
final class InputDataWalker {
    private static final byte[] INPUTS = {'i', 'n', 'p', 'u', 't', 's'};
    private static final byte[] DATATYPE = {'d', 'a', 't', 'a', 't', 'y', 'p', 'e'};
    private static final byte[] SHAPE = {'s', 'h', 'a', 'p', 'e'};
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final int MAX_SHAPE_DIGITS = 18;

    private final byte[] b;
    private final int limit;
    /** [start, end) in the body of each array read, in document order. */
    final List<int[]> extents = new ArrayList<>();
    /** What each of them was read as (its offset in the copy not yet known). */
    final List<NumericDataPrescan.DataArray> found = new ArrayList<>();
    private int i;

    /** Walks the JSON in {@code b[from, limit)}. */
    InputDataWalker(byte[] b, int from, int limit) {
        this.b = b;
        this.i = from;
        this.limit = limit;
    }

    /** The request object: only its {@code inputs} array is of interest. */
    boolean request() {
        skipWhitespace();
        if (!at('{')) {
            return false;
        }
        i++;
        skipWhitespace();
        if (at('}')) {
            return true;
        }
        while (true) {
            int key = i + 1;
            if (!at('"') || !skipString()) {
                return false;
            }
            boolean inputs = is(key, i - 1, INPUTS);
            if (!colon() || !(inputs && at('[') ? inputs() : skipValue())) {
                return false;
            }
            skipWhitespace();
            if (!at(',')) {
                return at('}');
            }
            i++;
            skipWhitespace();
        }
    }

    /** The {@code inputs} array, at its {@code [}. */
    private boolean inputs() {
        i++;
        skipWhitespace();
        if (at(']')) {
            i++;
            return true;
        }
        while (true) {
            if (!(at('{') ? tensor() : skipValue())) {
                return false;
            }
            skipWhitespace();
            if (at(']')) {
                i++;
                return true;
            }
            if (!at(',')) {
                return false;
            }
            i++;
            skipWhitespace();
        }
    }

    /** One input object, at its {@code {}. */
    private boolean tensor() {
        i++;
        skipWhitespace();
        if (at('}')) {
            i++;
            return true;
        }
        DataType type = null;
        long[] shape = null;
        while (true) {
            int key = i + 1;
            if (!at('"') || !skipString()) {
                return false;
            }
            int keyEnd = i - 1;
            if (!colon()) {
                return false;
            }
            boolean ok;
            if (is(key, keyEnd, DATATYPE) && at('"')) {
                int start = i + 1;
                ok = skipString();
                type = ok ? datatype(start, i - 1) : null;
            } else if (is(key, keyEnd, SHAPE) && at('[')) {
                shape = shape();
                ok = shape != null || skipValue();
            } else if (is(key, keyEnd, DATA) && at('[') && type != null && shape != null) {
                ok = data(type, shape) || skipValue();
            } else {
                ok = skipValue();
            }
            if (!ok) {
                return false;
            }
            skipWhitespace();
            if (at('}')) {
                i++;
                return true;
            }
            if (!at(',')) {
                return false;
            }
            i++;
            skipWhitespace();
        }
    }

    private boolean colon() {
        skipWhitespace();
        if (!at(':')) {
            return false;
        }
        i++;
        skipWhitespace();
        return true;
    }

    private DataType datatype(int start, int end) {
        for (int k = start; k < end; k++) {
            if (b[k] == '\\' || b[k] < 0x20) {
                return null;
            }
        }
        try {
            return DataType.parse(new String(b, start, end - start, StandardCharsets.UTF_8));
        } catch (InvalidInput e) {
            return null;
        }
    }

    /** A shape of non-negative integers, at its {@code [}; null (and {@link #i} unchanged) otherwise. */
    private long[] shape() {
        int start = i;
        i++;
        long[] dims = new long[4];
        int rank = 0;
        skipWhitespace();
        if (at(']')) {
            i++;
            return new long[0];
        }
        while (true) {
            int first = i;
            long v = 0;
            while (i < limit && b[i] >= '0' && b[i] <= '9' && i - first < MAX_SHAPE_DIGITS) {
                v = v * 10 + (b[i++] - '0');
            }
            boolean leadingZero = i - first > 1 && b[first] == '0';
            if (i == first || leadingZero || (i < limit && b[i] >= '0' && b[i] <= '9')) {
                i = start;
                return null;
            }
            if (rank == dims.length) {
                dims = Arrays.copyOf(dims, rank * 2);
            }
            dims[rank++] = v;
            skipWhitespace();
            if (at(']')) {
                i++;
                return Arrays.copyOf(dims, rank);
            }
            if (!at(',')) {
                i = start;
                return null;
            }
            i++;
            skipWhitespace();
        }
    }

    /** Reads a data array, at its {@code [}; false (and {@link #i} unchanged) when declined. */
    private boolean data(DataType type, long[] shape) {
        if (!NumericArrayReader.handles(type)) {
            return false;
        }
        long count;
        try {
            count = Tensor.elementCount(shape);
        } catch (ArithmeticException e) {
            return false;
        }
        if (count > limit) {
            return false; // more elements than the body has bytes: the usual path reports it
        }
        NumericArrayReader reader = new NumericArrayReader(b, limit, type, shape, (int) count);
        if (!reader.read(i)) {
            return false;
        }
        extents.add(new int[] {i, reader.end()});
        found.add(new NumericDataPrescan.DataArray(-1, type, shape, reader.data()));
        i = reader.end();
        return true;
    }

    /** Skips one value of any kind; false when it is not a plausible JSON value. */
    private boolean skipValue() {
        if (i >= limit) {
            return false;
        }
        byte c = b[i];
        if (c == '"') {
            return skipString();
        }
        if (c == '{' || c == '[') {
            return skipNested();
        }
        int start = i;
        while (i < limit && !delimiter(b[i])) {
            i++;
        }
        return i > start;
    }

    private static boolean delimiter(byte c) {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':'
                || c == '"' || c == '{' || c == '[';
    }

    /** Skips an object or array, at its opening bracket, by counting brackets outside strings. */
    private boolean skipNested() {
        int depth = 0;
        while (i < limit) {
            byte c = b[i];
            if (c == '"') {
                if (!skipString()) {
                    return false;
                }
                continue;
            }
            i++;
            if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return true;
            }
        }
        return false;
    }

    /** Skips a string, at its opening quote; false when it does not end. */
    private boolean skipString() {
        i++;
        while (i < limit) {
            byte c = b[i++];
            if (c == '"') {
                return true;
            }
            if (c == '\\') {
                i++;
            }
        }
        return false;
    }

    private boolean at(char c) {
        return i < limit && b[i] == c;
    }

    /** Whether the key in {@code b[key, keyEnd)} is {@code name}. */
    private boolean is(int key, int keyEnd, byte[] name) {
        return keyEnd - key == name.length && Arrays.equals(b, key, keyEnd, name, 0, name.length);
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
