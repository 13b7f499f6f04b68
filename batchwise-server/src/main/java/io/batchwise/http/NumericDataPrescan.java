package io.batchwise.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fast path for requests whose inputs carry their data as JSON numbers: a pre-pass over the
 * raw bytes that reads each input's numeric {@code data} array directly, so the JSON parser only
 * has to tokenize the small rest of the body.
 *
 * <p>Why: read token by token, a 1,024-float row costs Jackson a token, a text buffer and a number
 * parse per element, several times the model's own time per row in a batch job. Scanning the
 * bytes once with {@link NumericArrayReader} is an order of magnitude cheaper.
 *
 * <p>How:
 * <ol>
 *   <li>{@link #scan} walks the JSON structure (strings and brackets only, nothing built) to the
 *       objects of the top-level {@code inputs} array. In each, once {@code datatype} and
 *       {@code shape} have been seen (the order clients write), a numeric {@code data} array is
 *       read by {@link NumericArrayReader}. Arrays it declines, and everything else, are skipped.
 *   <li>The body is copied with each array it read replaced by {@code []}, and that copy goes to
 *       the usual reader ({@link RequestReader}), which checks every field as always. At a
 *       {@code data} array it asks {@link #take} whether the array at that offset of the copy
 *       was read here, and if so uses those bytes (after checking the datatype and shape it
 *       resolved are the ones the pre-pass read them as).
 *   <li>Anything unexpected (the reader rejects the copy, a datatype or shape disagrees, an array
 *       read here is never asked for) throws, and {@link InferCodec} decodes the original body
 *       the usual way instead. Errors therefore always come from the usual path, with the same
 *       messages and locations, and a body decodes to the same tensors on either path.
 * </ol>
 *
 * <p>This is sound because the copy differs from the original only inside arrays that are valid
 * JSON: a JSON parser reads the same tokens up to the first of them, so finds the same structure
 * the pre-pass assumed there (and where the body is malformed before it, fails on the copy too).
 */
final class NumericDataPrescan {
    /**
     * The JSON length below which the pre-pass costs more than it saves: its fixed cost is about
     * half a microsecond, which tokenizing a dozen or so numbers costs (measured crossover: 16
     * numbers, about 200 bytes).
     */
    static final int WORTHWHILE_BYTES = 256;

    /** For bodies with no arrays read ahead. */
    static final NumericDataPrescan NONE = new NumericDataPrescan(new byte[0], List.of());

    private static final byte[] INPUTS = {'i', 'n', 'p', 'u', 't', 's'};
    private static final byte[] DATATYPE = {'d', 'a', 't', 'a', 't', 'y', 'p', 'e'};
    private static final byte[] SHAPE = {'s', 'h', 'a', 'p', 'e'};
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final int MAX_SHAPE_DIGITS = 18;

    private final byte[] json;
    private final List<DataArray> arrays;
    private int next;

    /** An array read ahead: where its {@code []} stands in the copy, and what it was read as. */
    record DataArray(long at, DataType type, long[] shape, ByteBuffer data) {
        /**
         * The elements, for a tensor the usual reader resolved to {@code type} and {@code shape}.
         *
         * @throws Mismatch when they are not what the array was read as
         */
        ByteBuffer data(DataType resolvedType, long[] resolvedShape) {
            if (resolvedType != type || !Arrays.equals(resolvedShape, shape)) {
                throw new Mismatch("data read ahead as " + type + Arrays.toString(shape) + " but the tensor is "
                        + resolvedType + Arrays.toString(resolvedShape));
            }
            return data;
        }
    }

    /** The copy and the pre-pass disagree; the caller decodes the original body instead. */
    static final class Mismatch extends IllegalStateException {
        Mismatch(String message) {
            super(message);
        }
    }

    private NumericDataPrescan(byte[] json, List<DataArray> arrays) {
        this.json = json;
        this.arrays = arrays;
    }

    /**
     * Reads ahead the numeric data arrays of the request in {@code body[0, jsonLength)}.
     *
     * @return the pre-pass with its copy of the JSON, or null when it read no array (the body is
     *     then best decoded as it is)
     */
    static NumericDataPrescan scan(byte[] body, int jsonLength) {
        Walker w = new Walker(body, jsonLength);
        if (!w.request() || w.found.isEmpty()) {
            return null;
        }
        int removed = 0;
        for (int[] extent : w.extents) {
            removed += extent[1] - extent[0] - 2;
        }
        byte[] copy = new byte[jsonLength - removed];
        List<DataArray> arrays = new ArrayList<>(w.found.size());
        int from = 0;
        int to = 0;
        for (int k = 0; k < w.extents.size(); k++) {
            int[] extent = w.extents.get(k);
            int n = extent[0] - from;
            System.arraycopy(body, from, copy, to, n);
            to += n;
            DataArray a = w.found.get(k);
            arrays.add(new DataArray(to, a.type(), a.shape(), a.data()));
            copy[to++] = '[';
            copy[to++] = ']';
            from = extent[1];
        }
        System.arraycopy(body, from, copy, to, jsonLength - from);
        return new NumericDataPrescan(copy, arrays);
    }

    /** The JSON to parse: the original with the arrays read ahead replaced by {@code []}. */
    byte[] json() {
        return json;
    }

    /**
     * For a parser at the {@code [} of a {@code data} array: the array read ahead at that
     * position, its placeholder consumed (the parser is left at its {@code ]}), or null when this
     * array was not read ahead and must be read as usual.
     */
    DataArray take(JsonParser p) throws IOException {
        if (next == arrays.size() || p.currentTokenLocation().getByteOffset() != arrays.get(next).at()) {
            return null;
        }
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new Mismatch("no placeholder at byte " + arrays.get(next).at());
        }
        return arrays.get(next++);
    }

    /**
     * @throws Mismatch when an array read ahead was never asked for, which means the pre-pass
     *     found data where the reader did not
     */
    void checkAllTaken() {
        if (next != arrays.size()) {
            throw new Mismatch(arrays.size() - next + " data arrays read ahead were not used");
        }
    }

    /**
     * The structural walk. It assumes well-formed JSON and gives up (returns false) where it is
     * not; it never needs to report why, since the usual path then decodes the body.
     */
    private static final class Walker {
        final byte[] b;
        final int limit;
        final List<int[]> extents = new ArrayList<>();
        final List<DataArray> found = new ArrayList<>();
        int i;

        Walker(byte[] b, int limit) {
            this.b = b;
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
            found.add(new DataArray(-1, type, shape, reader.data()));
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
}
