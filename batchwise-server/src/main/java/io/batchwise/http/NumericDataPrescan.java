package io.batchwise.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchwise.tensor.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fast path for requests whose inputs carry their data as JSON numbers: a pre-pass over the
 * raw bytes that reads each input's numeric {@code data} array directly, so the JSON parser only
 * has to tokenize the small rest of the body.
 *
 * <p>Why: read token by token, a 1,024-float row costs Jackson a token, a text buffer and a number
 * parse per element, about 45 us on a 2-core development VM; scanning the bytes once with
 * {@link NumericArrayReader} takes about 15 us, which matters to batch jobs of millions of rows.
 *
 * <p>How:
 * <ol>
 *   <li>{@link #scan} walks the JSON structure ({@link InputDataWalker}: strings and brackets
 *       only, nothing built) to the objects of the top-level {@code inputs} array. In each, once
 *       {@code datatype} and {@code shape} have been seen (the order clients write), a numeric
 *       {@code data} array is read by {@link NumericArrayReader}. Arrays it declines, and
 *       everything else, are skipped.
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

    /** {@link #scan(byte[], int, int)} of {@code body[0, jsonLength)}. */
    static NumericDataPrescan scan(byte[] body, int jsonLength) {
        return scan(body, 0, jsonLength);
    }

    /**
     * Reads ahead the numeric data arrays of the request in {@code body[start, end)}.
     *
     * @return the pre-pass with its copy of the JSON (that range only), or null when it read no
     *     array (the body is then best decoded as it is)
     */
    static NumericDataPrescan scan(byte[] body, int start, int end) {
        InputDataWalker w = new InputDataWalker(body, start, end);
        if (!w.request() || w.found.isEmpty()) {
            return null;
        }
        int removed = 0;
        for (int[] extent : w.extents) {
            removed += extent[1] - extent[0] - 2;
        }
        byte[] copy = new byte[end - start - removed];
        List<DataArray> arrays = new ArrayList<>(w.found.size());
        int from = start;
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
        System.arraycopy(body, from, copy, to, end - from);
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
}
