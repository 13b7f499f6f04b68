package io.batchwise.onnx;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A graph constant, encoded as an ONNX TensorProto.
 *
 * <p>Fixed-size data goes into {@code raw_data} (little-endian, as batchwise tensors already
 * hold it). The encoding is split into a small in-memory header and a payload that is streamed,
 * so a writer can emit 100 MB of generated weights without materialising them. BYTES tensors
 * cannot use {@code raw_data} (onnx.proto forbids it for STRING) and go into
 * {@code string_data} in the header instead; they are small in practice.
 */
final class Initializer {
    // TensorProto field numbers
    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int STRING_DATA = 6;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;

    private final String name;
    private final DataType type;
    private final long[] dims;
    private final Tensor tensor;          // in-memory data, or null
    private final SeededWeights weights;  // generated FP32 data, or null

    private Initializer(String name, DataType type, long[] dims, Tensor tensor, SeededWeights weights) {
        this.name = name;
        this.type = type;
        this.dims = dims.clone();
        this.tensor = tensor;
        this.weights = weights;
    }

    static Initializer of(Tensor tensor) {
        return new Initializer(tensor.name(), tensor.type(), tensor.shape(), tensor, null);
    }

    static Initializer seeded(String name, long[] dims, SeededWeights weights) {
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("initializer '" + name + "': negative dimension " + d);
            }
        }
        return new Initializer(name, DataType.FP32, dims, null, weights);
    }

    String name() {
        return name;
    }

    /** TensorProto fields other than raw_data. */
    ProtoWriter header() {
        ProtoWriter w = new ProtoWriter().packedVarints(DIMS, dims).varint(DATA_TYPE, OnnxDataTypes.code(type));
        if (type == DataType.BYTES) {
            ByteBuffer b = tensor.data();
            long count = tensor.elementCount();
            for (long i = 0; i < count; i++) {
                byte[] element = new byte[b.getInt()];
                b.get(element);
                w.bytes(STRING_DATA, element);
            }
        }
        return w.string(NAME, name);
    }

    /** Whether the tensor carries a raw_data field after its header. */
    boolean hasRawData() {
        return type != DataType.BYTES;
    }

    long rawSize() {
        if (!hasRawData()) {
            return 0;
        }
        return tensor != null ? tensor.byteSize() : 4 * Tensor.elementCount(dims);
    }

    /** Encoded TensorProto length, header and raw_data field together. */
    long encodedSize(ProtoWriter header) {
        long raw = rawSize();
        return header.size() + (hasRawData() ? ProtoWriter.lengthHeaderSize(RAW_DATA, raw) + raw : 0);
    }

    /** Writes the TensorProto body: header, then the raw_data field streamed. */
    void writeTo(OutputStream out, ProtoWriter header) throws IOException {
        header.writeTo(out);
        if (!hasRawData()) {
            return;
        }
        long raw = rawSize();
        new ProtoWriter().lengthHeader(RAW_DATA, raw).writeTo(out);
        if (weights != null) {
            weights.writeLittleEndian(out, Tensor.elementCount(dims));
        } else {
            copy(tensor.data(), out);
        }
    }

    /** The whole TensorProto in memory, for tensor-valued attributes (in-memory tensors only). */
    ProtoWriter encode() {
        if (tensor == null) {
            throw new IllegalStateException("initializer '" + name + "' is generated; it streams, it is not encoded in memory");
        }
        ProtoWriter w = header();
        if (hasRawData()) {
            byte[] raw = new byte[(int) rawSize()];
            tensor.data().order(ByteOrder.LITTLE_ENDIAN).get(raw);
            w.bytes(RAW_DATA, raw);
        }
        return w;
    }

    private static void copy(ByteBuffer src, OutputStream out) throws IOException {
        // Tensor data is a read-only view without an accessible array, so copy through a chunk.
        byte[] chunk = new byte[(int) Math.min(64 * 1024, Math.max(src.remaining(), 1))];
        while (src.hasRemaining()) {
            int n = Math.min(chunk.length, src.remaining());
            src.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
