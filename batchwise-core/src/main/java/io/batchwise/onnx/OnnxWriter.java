package io.batchwise.onnx;

import io.batchwise.onnx.OnnxGraph.Node;
import io.batchwise.onnx.OnnxGraph.ValueInfo;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an {@link OnnxGraph} as an ONNX model file (a serialized {@code onnx.ModelProto}),
 * encoding the protobuf wire format directly rather than through a protobuf library.
 *
 * <p>Models declare IR version 8 and import the default-domain opset 17, the pair the ONNX
 * 1.12 release defined and every current ONNX Runtime loads. (Opset 17 still takes
 * ReduceMean's {@code axes} as an attribute; opset 18 moved it to an input.)
 *
 * <p>A nested protobuf message is prefixed by its byte length, so a naive encoder builds the
 * whole model in memory. Here every part except the initializer payloads is encoded in memory
 * (it is small), the payload sizes are computed from the shapes, and the payloads are then
 * streamed — generated weights straight from their generator — so a 100 MB model is written
 * with about a megabyte of heap. The written length is checked against the computed one.
 *
 * <p>Field numbers follow onnx/onnx.proto. The encoding is deterministic: the same graph always
 * gives the same bytes.
 */
public final class OnnxWriter {
    static final long IR_VERSION = 8;
    static final long OPSET_VERSION = 17;
    static final String PRODUCER = "batchwise";

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    // OperatorSetIdProto (domain = 1 is left out: absent means the default ONNX domain)
    private static final int OPSET_VERSION_FIELD = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, Dimension
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int TENSOR_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    private OnnxWriter() {
    }

    /**
     * Writes the model to a file, creating parent directories. The file is written under a
     * temporary name and moved into place, so a reader never sees a half-written model.
     */
    public static void write(OnnxGraph graph, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                write(graph, out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the model to a stream, which is left open. */
    public static void write(OnnxGraph graph, OutputStream out) throws IOException {
        ProtoWriter graphHead = new ProtoWriter();
        for (Node node : graph.nodes()) {
            graphHead.message(GRAPH_NODE, encode(node));
        }
        graphHead.string(GRAPH_NAME, graph.name());

        List<ProtoWriter> headers = new ArrayList<>();
        long graphSize = graphHead.size();
        for (Initializer init : graph.initializers()) {
            ProtoWriter header = init.header();
            headers.add(header);
            long size = init.encodedSize(header);
            graphSize += ProtoWriter.lengthHeaderSize(GRAPH_INITIALIZER, size) + size;
        }

        ProtoWriter graphTail = new ProtoWriter();
        for (ValueInfo in : graph.inputs()) {
            graphTail.message(GRAPH_INPUT, encode(in));
        }
        for (ValueInfo outInfo : graph.outputs()) {
            graphTail.message(GRAPH_OUTPUT, encode(outInfo));
        }
        graphSize += graphTail.size();
        if (graphSize > Integer.MAX_VALUE) {
            // protobuf parsers, ONNX Runtime's included, reject messages of 2 GiB or more
            throw new IllegalArgumentException("graph '" + graph.name() + "' needs " + graphSize
                    + " bytes; ONNX files cannot hold more than 2 GiB");
        }

        ProtoWriter modelHead = new ProtoWriter()
                .varint(MODEL_IR_VERSION, IR_VERSION)
                .string(MODEL_PRODUCER_NAME, PRODUCER)
                .lengthHeader(MODEL_GRAPH, graphSize);
        ProtoWriter modelTail = new ProtoWriter()
                .message(MODEL_OPSET_IMPORT, new ProtoWriter().varint(OPSET_VERSION_FIELD, OPSET_VERSION));

        CountingOutputStream counted = new CountingOutputStream(out);
        modelHead.writeTo(counted);
        long graphStart = counted.count;
        graphHead.writeTo(counted);
        for (int i = 0; i < headers.size(); i++) {
            Initializer init = graph.initializers().get(i);
            ProtoWriter header = headers.get(i);
            new ProtoWriter().lengthHeader(GRAPH_INITIALIZER, init.encodedSize(header)).writeTo(counted);
            init.writeTo(counted, header);
        }
        graphTail.writeTo(counted);
        if (counted.count - graphStart != graphSize) {
            throw new IllegalStateException("wrote " + (counted.count - graphStart) + " graph bytes, computed "
                    + graphSize + ": encoder bug");
        }
        modelTail.writeTo(counted);
        counted.flush();
    }

    /** The model as bytes; for small graphs (tests, tools). */
    public static byte[] toBytes(OnnxGraph graph) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(graph, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }

    private static ProtoWriter encode(Node node) {
        ProtoWriter w = new ProtoWriter();
        node.inputs().forEach(in -> w.string(NODE_INPUT, in));
        node.outputs().forEach(out -> w.string(NODE_OUTPUT, out));
        w.string(NODE_NAME, node.name()).string(NODE_OP_TYPE, node.opType());
        node.attributes().forEach(a -> w.message(NODE_ATTRIBUTE, a.encode()));
        return w;
    }

    private static ProtoWriter encode(ValueInfo info) {
        // Always write a shape, even for a scalar: an absent shape would mean "unknown rank".
        ProtoWriter shape = new ProtoWriter();
        long[] dims = info.dims();
        for (int i = 0; i < dims.length; i++) {
            ProtoWriter dim = new ProtoWriter();
            if (dims[i] < 0) {
                // ONNX Runtime takes equal dim_params to be equal sizes: every value shares the
                // row dimension "batch", other variable axes get names of their own.
                dim.string(DIM_PARAM, i == 0 ? "batch" : info.name() + "_dim" + i);
            } else {
                dim.varint(DIM_VALUE, dims[i]);
            }
            shape.message(SHAPE_DIM, dim);
        }
        ProtoWriter tensorType = new ProtoWriter()
                .varint(TENSOR_ELEM_TYPE, OnnxDataTypes.code(info.type()))
                .message(TENSOR_SHAPE, shape);
        return new ProtoWriter()
                .string(VALUE_NAME, info.name())
                .message(VALUE_TYPE, new ProtoWriter().message(TYPE_TENSOR_TYPE, tensorType));
    }

    /** Counts bytes so the streamed length can be checked against the declared one. */
    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
