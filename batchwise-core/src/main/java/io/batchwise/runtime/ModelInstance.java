package io.batchwise.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Rows;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session of a model. Runs a batch of rows from several requests as one call:
 * their inputs are concatenated along dimension 0 into direct, native-order buffers owned (and
 * reused) by this instance, and the outputs are sliced back per request.
 *
 * <p>Not thread-safe: one run at a time (the scheduler owns each instance).
 */
public final class ModelInstance implements AutoCloseable {
    private final OnnxRuntime runtime;
    private final String model;
    private final int ordinal;
    private final OrtSession session;
    private final ModelSignature signature;
    private final Map<String, ByteBuffer> inputBuffers = new HashMap<>();
    private boolean closed;

    ModelInstance(OnnxRuntime runtime, String model, int ordinal, OrtSession session) throws OrtException {
        this.runtime = runtime;
        this.model = model;
        this.ordinal = ordinal;
        this.session = session;
        this.signature = new ModelSignature(specs(session.getInputInfo()), specs(session.getOutputInfo()));
    }

    public ModelSignature signature() {
        return signature;
    }

    public int ordinal() {
        return ordinal;
    }

    public String model() {
        return model;
    }

    /**
     * Runs several already validated requests as one ONNX Runtime call and returns each
     * request's outputs, in request order. Every request must have the same non-row input
     * dimensions (one shape bucket). Calls from several threads take turns: the instance reuses
     * one input buffer per input across runs.
     *
     * @param outputs the outputs to compute (empty: all of them)
     */
    public synchronized List<List<Tensor>> runBatch(List<List<Tensor>> requestInputs, Set<String> outputs) {
        long[] rows = new long[requestInputs.size()];
        Map<String, List<Tensor>> byName = new LinkedHashMap<>();
        for (int r = 0; r < requestInputs.size(); r++) {
            for (Tensor t : requestInputs.get(r)) {
                byName.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(t);
                rows[r] = t.rows();
            }
        }
        Map<String, Tensor> outs = run(byName, outputs);
        List<List<Tensor>> result = new ArrayList<>(rows.length);
        for (int r = 0; r < rows.length; r++) {
            result.add(new ArrayList<>(outs.size()));
        }
        for (Tensor out : outs.values()) {
            List<Tensor> parts = Rows.split(out, rows);
            for (int r = 0; r < rows.length; r++) {
                result.get(r).add(parts.get(r));
            }
        }
        return result;
    }

    private Map<String, Tensor> run(Map<String, List<Tensor>> inputs, Set<String> outputs) {
        Set<String> wanted = outputs.isEmpty() ? allOutputs() : outputs;
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, List<Tensor>> e : inputs.entrySet()) {
                feed.put(e.getKey(), toOrt(e.getKey(), e.getValue()));
            }
            long total = feed.values().iterator().next().getInfo().getShape()[0];
            try (OrtSession.Result result = session.run(feed, wanted)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    Tensor t = fromOrt(e.getKey(), (OnnxTensor) e.getValue());
                    if (t.shape().length == 0 || t.rows() != total) {
                        throw new IllegalStateException("model '" + model + "' output '" + e.getKey()
                                + "' has no row dimension matching its " + total + " input rows");
                    }
                    out.put(e.getKey(), t);
                }
                return out;
            }
        } catch (OrtException e) {
            if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
                // Types and shapes were validated, so what ONNX Runtime rejects now is the data
                // itself, e.g. a token id outside an embedding table: the client's mistake.
                throw new InvalidInput("model '" + model + "' rejected the input: "
                        + e.getMessage().replaceFirst("^Error code - ORT_INVALID_ARGUMENT - message: ", ""));
            }
            throw new IllegalStateException("model '" + model + "' run failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private Set<String> allOutputs() {
        Set<String> all = new LinkedHashSet<>();
        signature.outputs().forEach(s -> all.add(s.name()));
        return all;
    }

    private OnnxTensor toOrt(String name, List<Tensor> parts) throws OrtException {
        Tensor first = parts.get(0);
        long[] shape = first.shape();
        long rows = 0;
        for (Tensor t : parts) {
            rows += t.rows();
        }
        shape[0] = rows;
        if (first.type() == DataType.BYTES) {
            return OnnxTensor.createTensor(runtime.environment(), StringTensors.decode(parts), shape);
        }
        int bytes = 0;
        for (Tensor t : parts) {
            bytes += t.byteSize();
        }
        ByteBuffer buf = inputBuffers.get(name);
        if (buf == null || buf.capacity() < bytes) {
            buf = ByteBuffer.allocateDirect(Math.max(bytes, buf == null ? 0 : buf.capacity() * 2))
                    .order(ByteOrder.nativeOrder());
            inputBuffers.put(name, buf);
        }
        buf.clear();
        for (Tensor t : parts) {
            ByteBuffer src = t.data();
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                buf.put(src);
            } else {
                NativeOrder.copySwapped(src, buf, first.type().byteSize());
            }
        }
        buf.flip();
        return OnnxTensor.createTensor(runtime.environment(), buf, shape, javaType(first.type()));
    }

    private static Tensor fromOrt(String name, OnnxTensor value) throws OrtException {
        TensorInfo info = value.getInfo();
        DataType type = dataType(info);
        if (type == DataType.BYTES) {
            return StringTensors.encode(name, (String[]) flatStrings(value), info.getShape());
        }
        // getByteBuffer() already returns a fresh copy in native order: on little-endian hosts it
        // is the tensor's data as is; only big-endian hosts need a second, swapping copy.
        ByteBuffer b = value.getByteBuffer();
        if (b.order() == ByteOrder.LITTLE_ENDIAN) {
            return Tensor.of(name, type, info.getShape(), b);
        }
        ByteBuffer le = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        NativeOrder.copySwapped(b, le, type.byteSize());
        le.flip();
        return Tensor.of(name, type, info.getShape(), le);
    }

    private static Object flatStrings(OnnxTensor value) throws OrtException {
        Object v = value.getValue();
        List<String> flat = new ArrayList<>();
        StringTensors.flatten(v, flat);
        return flat.toArray(new String[0]);
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
        List<TensorSpec> out = new ArrayList<>();
        for (NodeInfo node : infos.values()) {
            if (node.getInfo() instanceof TensorInfo info) {
                out.add(new TensorSpec(node.getName(), dataType(info), info.getShape()));
            }
        }
        return out;
    }

    static DataType dataType(TensorInfo info) {
        return switch (info.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.BYTES;
            default -> throw new IllegalStateException("unsupported ONNX element type " + info.onnxType);
        };
    }

    private static OnnxJavaType javaType(DataType type) {
        return switch (type) {
            case BOOL -> OnnxJavaType.BOOL;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT8 -> OnnxJavaType.INT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case FP16 -> OnnxJavaType.FLOAT16;
            case FP32 -> OnnxJavaType.FLOAT;
            case FP64 -> OnnxJavaType.DOUBLE;
            case BYTES -> OnnxJavaType.STRING;
        };
    }

    /** Closes the session; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            // Closing a session only fails if ONNX Runtime is already torn down; nothing to release.
        }
    }
}
