package io.batchwise.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Row operations on tensors: concatenation of several requests' rows into one batch along
 * dimension 0, and slicing a batch output back into per-request parts.
 */
public final class Rows {
    private Rows() {
    }

    /** The shape without its first (row) dimension: the shape bucket key of a request. */
    public static long[] rowShape(long[] shape) {
        return shape.length == 0 ? shape : Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * Concatenates tensors with the same name, type and row shape along dimension 0.
     *
     * @throws IllegalArgumentException when their types or row shapes differ
     */
    public static Tensor concat(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        Tensor first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        long[] rowShape = rowShape(first.shape());
        long rows = 0;
        int bytes = 0;
        for (Tensor t : parts) {
            if (t.type() != first.type() || !Arrays.equals(rowShape(t.shape()), rowShape) || t.shape().length == 0) {
                throw new IllegalArgumentException("cannot concatenate " + t + " with " + first);
            }
            rows += t.rows();
            bytes += t.byteSize();
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : parts) {
            out.put(t.data());
        }
        out.flip();
        long[] shape = first.shape();
        shape[0] = rows;
        return Tensor.of(first.name(), first.type(), shape, out);
    }

    /** Rows {@code [from, from + count)} of a tensor, sharing its bytes (fixed-size types only). */
    public static Tensor slice(Tensor t, long from, long count) {
        if (!t.type().fixedSize()) {
            return sliceBytes(t, from, count);
        }
        long[] shape = t.shape();
        if (shape.length == 0 || from < 0 || count < 0 || from + count > shape[0]) {
            throw new IllegalArgumentException("rows [" + from + ", " + (from + count) + ") out of " + t);
        }
        long rowElems = Tensor.elementCount(rowShape(shape));
        int rowBytes = Math.toIntExact(rowElems * t.type().byteSize());
        ByteBuffer b = t.data();
        b.position(Math.toIntExact(from * rowBytes));
        b.limit(Math.toIntExact((from + count) * rowBytes));
        shape[0] = count;
        return Tensor.of(t.name(), t.type(), shape, b.slice());
    }

    private static Tensor sliceBytes(Tensor t, long from, long count) {
        long[] shape = t.shape();
        long rowElems = Tensor.elementCount(rowShape(shape));
        ByteBuffer b = t.data();
        int start = -1;
        for (long e = 0; e < (from + count) * rowElems; e++) {
            if (e == from * rowElems) {
                start = b.position();
            }
            int len = b.getInt();
            b.position(b.position() + len);
        }
        if (start < 0) {
            start = b.position();
        }
        ByteBuffer out = t.data();
        out.position(start);
        out.limit(b.position());
        shape[0] = count;
        return Tensor.of(t.name(), t.type(), shape, out.slice());
    }

    /** Splits a batch output into consecutive parts of the given row counts. */
    public static List<Tensor> split(Tensor t, long[] rowCounts) {
        List<Tensor> out = new ArrayList<>(rowCounts.length);
        long at = 0;
        for (long n : rowCounts) {
            out.add(slice(t, at, n));
            at += n;
        }
        return out;
    }
}
