package io.batchwise.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.batchwise.grpc.proto.GrpcService.InferParameter;
import io.batchwise.grpc.proto.GrpcService.InferTensorContents;
import io.batchwise.grpc.proto.GrpcService.ModelInferRequest;
import io.batchwise.grpc.proto.GrpcService.ModelInferResponse;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol's gRPC tensor encoding, both ways, for the server and for clients
 * (tests, tools).
 *
 * <p>Inputs come either all as {@code raw_input_contents} (one little-endian, row-major byte
 * string per input, in the order of {@code inputs}; BYTES elements as a 4-byte length and the
 * bytes) or all as typed {@code contents}; mixing is refused, as the specification says. Raw bytes
 * are wrapped, not copied. FP16 has no typed field and must be raw.
 *
 * <p>Outputs mirror the request: raw when the request was raw (what Triton clients send and
 * read), typed when it was typed, and raw whenever an output is FP16. Every client mistake is an
 * {@link InvalidInput} naming the tensor and field at fault.
 */
public final class GrpcTensors {
    private GrpcTensors() {
    }

    /** A decoded request and whether its outputs go back as raw bytes. */
    record Decoded(InferenceRequest request, boolean rawOutputs) {
    }

    /** Decodes a ModelInfer request. */
    static Decoded decode(ModelInferRequest req) {
        int raw = req.getRawInputContentsCount();
        if (raw > 0 && raw != req.getInputsCount()) {
            throw new InvalidInput("raw_input_contents has " + raw + " entries but the request has "
                    + req.getInputsCount() + " inputs; send one per input, in the same order");
        }
        List<Tensor> inputs = new ArrayList<>(req.getInputsCount());
        for (int i = 0; i < req.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor in = req.getInputs(i);
            String name = in.getName();
            if (name.isEmpty()) {
                throw new InvalidInput("inputs[" + i + "] has no name");
            }
            rejectSharedMemory(in.getParametersMap(), "input '" + name + "'");
            if (in.getDatatype().isEmpty()) {
                throw new InvalidInput("input '" + name + "' has no datatype");
            }
            DataType type = DataType.parse(in.getDatatype());
            long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
            try {
                if (raw > 0) {
                    if (in.hasContents()) {
                        throw new InvalidInput("input '" + name + "' has typed contents although raw_input_contents "
                                + "is used; use one or the other for all inputs");
                    }
                    inputs.add(Tensor.of(name, type, shape, req.getRawInputContents(i).asReadOnlyByteBuffer()));
                } else {
                    inputs.add(typed(name, type, shape, in.getContents()));
                }
            } catch (ArithmeticException e) {
                throw new InvalidInput("input '" + name + "': shape " + Arrays.toString(shape) + " is too large");
            }
        }
        List<String> outputs = new ArrayList<>();
        for (ModelInferRequest.InferRequestedOutputTensor out : req.getOutputsList()) {
            if (out.getParametersMap().containsKey("classification")) {
                throw new InvalidInput("output '" + out.getName() + "': the classification extension is not supported");
            }
            rejectSharedMemory(out.getParametersMap(), "output '" + out.getName() + "'");
            outputs.add(out.getName());
        }
        InferenceRequest request = new InferenceRequest(req.getId().isEmpty() ? null : req.getId(), inputs, outputs,
                parameters(req.getParametersMap()));
        return new Decoded(request, raw > 0);
    }

    private static void rejectSharedMemory(Map<String, InferParameter> params, String what) {
        for (String key : params.keySet()) {
            if (key.startsWith("shared_memory")) {
                throw new InvalidInput(what + ": shared memory (parameter '" + key + "') is not supported; "
                        + "send the data in the request");
            }
        }
    }

    /** Request parameters as plain values: Boolean, Long or String. */
    static Map<String, Object> parameters(Map<String, InferParameter> params) {
        Map<String, Object> out = new HashMap<>();
        for (Map.Entry<String, InferParameter> e : params.entrySet()) {
            InferParameter p = e.getValue();
            Object v = switch (p.getParameterChoiceCase()) {
                case BOOL_PARAM -> p.getBoolParam();
                case INT64_PARAM -> p.getInt64Param();
                case STRING_PARAM -> p.getStringParam();
                case PARAMETERCHOICE_NOT_SET -> throw new InvalidInput("parameter '" + e.getKey() + "' has no value");
            };
            out.put(e.getKey(), v);
        }
        return out;
    }

    private static Tensor typed(String name, DataType type, long[] shape, InferTensorContents c) {
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidInput("input '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
        }
        long count = Tensor.elementCount(shape);
        String where = "input '" + name + "' (" + type + ")";
        switch (type) {
            case FP16 -> throw new InvalidInput(where + ": FP16 has no typed contents; send it in raw_input_contents");
            case BYTES -> {
                expect(where, "bytes_contents", count, c.getBytesContentsCount());
                int size = 0;
                for (ByteString s : c.getBytesContentsList()) {
                    size = Math.addExact(size, 4 + s.size());
                }
                ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
                for (ByteString s : c.getBytesContentsList()) {
                    b.putInt(s.size());
                    s.copyTo(b);
                }
                return Tensor.of(name, type, shape, b.flip());
            }
            default -> {
                expect(where, typedField(type), count, typedCount(type, c));
                int n = (int) count;
                ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(n, type.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
                switch (type) {
                    case BOOL -> c.getBoolContentsList().forEach(v -> b.put((byte) (v ? 1 : 0)));
                    case INT8, INT16, INT32 -> {
                        for (int i = 0; i < n; i++) {
                            int v = c.getIntContents(i);
                            switch (type) {
                                case INT8 -> b.put((byte) inRange(where, v, Byte.MIN_VALUE, Byte.MAX_VALUE));
                                case INT16 -> b.putShort((short) inRange(where, v, Short.MIN_VALUE, Short.MAX_VALUE));
                                default -> b.putInt(v);
                            }
                        }
                    }
                    case UINT8 -> {
                        for (int i = 0; i < n; i++) {
                            b.put((byte) inRange(where, Integer.toUnsignedLong(c.getUintContents(i)), 0, 255));
                        }
                    }
                    case INT64 -> c.getInt64ContentsList().forEach(b::putLong);
                    case FP32 -> c.getFp32ContentsList().forEach(b::putFloat);
                    case FP64 -> c.getFp64ContentsList().forEach(b::putDouble);
                    default -> throw new InvalidInput(where + ": unsupported datatype");
                }
                return Tensor.of(name, type, shape, b.flip());
            }
        }
    }

    /** The typed contents field that carries a datatype. */
    private static String typedField(DataType type) {
        return switch (type) {
            case BOOL -> "bool_contents";
            case INT8, INT16, INT32 -> "int_contents";
            case UINT8 -> "uint_contents";
            case INT64 -> "int64_contents";
            case FP32 -> "fp32_contents";
            case FP64 -> "fp64_contents";
            case BYTES -> "bytes_contents";
            case FP16 -> "raw_input_contents";
        };
    }

    private static int typedCount(DataType type, InferTensorContents c) {
        return switch (type) {
            case BOOL -> c.getBoolContentsCount();
            case INT8, INT16, INT32 -> c.getIntContentsCount();
            case UINT8 -> c.getUintContentsCount();
            case INT64 -> c.getInt64ContentsCount();
            case FP32 -> c.getFp32ContentsCount();
            case FP64 -> c.getFp64ContentsCount();
            case BYTES -> c.getBytesContentsCount();
            case FP16 -> 0;
        };
    }

    private static void expect(String where, String field, long count, int given) {
        if (count != given) {
            throw new InvalidInput(where + ": shape holds " + count + " elements but " + field + " has " + given);
        }
    }

    private static long inRange(String where, long v, long min, long max) {
        if (v < min || v > max) {
            throw new InvalidInput(where + ": value " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    /** Encodes a response; raw bytes when asked, or when a datatype has no typed field (FP16). */
    static ModelInferResponse encode(InferenceResponse res, boolean raw) {
        boolean useRaw = raw || res.outputs().stream().anyMatch(t -> t.type() == DataType.FP16);
        ModelInferResponse.Builder out = ModelInferResponse.newBuilder()
                .setModelName(res.modelName())
                .setModelVersion(res.modelVersion() == null ? "" : res.modelVersion());
        if (res.id() != null) {
            out.setId(res.id());
        }
        for (Tensor t : res.outputs()) {
            ModelInferResponse.InferOutputTensor.Builder o = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(t.name()).setDatatype(t.type().wireName());
            for (long d : t.shape()) {
                o.addShape(d);
            }
            if (useRaw) {
                // Tensors are immutable, so their bytes can back the message without a copy.
                out.addRawOutputContents(UnsafeByteOperations.unsafeWrap(t.data()));
            } else {
                o.setContents(contents(t));
            }
            out.addOutputs(o);
        }
        return out.build();
    }

    /** Typed contents of a tensor (any datatype but FP16). */
    public static InferTensorContents contents(Tensor t) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        ByteBuffer b = t.data();
        int n = (int) t.elementCount();
        switch (t.type()) {
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    c.addBoolContents(b.get(i) != 0);
                }
            }
            case INT8, INT16, INT32 -> {
                for (int i = 0; i < n; i++) {
                    c.addIntContents((int) TensorValues.get(t.type(), b, i));
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    c.addUintContents(b.get(i) & 0xff);
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    c.addInt64Contents(b.getLong(i * 8));
                }
            }
            case FP32 -> {
                for (int i = 0; i < n; i++) {
                    c.addFp32Contents(b.getFloat(i * 4));
                }
            }
            case FP64 -> {
                for (int i = 0; i < n; i++) {
                    c.addFp64Contents(b.getDouble(i * 8));
                }
            }
            case BYTES -> {
                for (int i = 0; i < n; i++) {
                    int len = b.getInt();
                    c.addBytesContents(ByteString.copyFrom(b, len));
                }
            }
            case FP16 -> throw new IllegalArgumentException("FP16 has no typed contents");
        }
        return c.build();
    }

    /** Client side: a request input as typed contents. */
    public static ModelInferRequest.InferInputTensor typedInput(Tensor t) {
        return inputHeader(t).setContents(contents(t)).build();
    }

    /** Client side: a request input's header, for use with {@link #raw(Tensor)} in raw_input_contents. */
    public static ModelInferRequest.InferInputTensor.Builder inputHeader(Tensor t) {
        ModelInferRequest.InferInputTensor.Builder in = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(t.name()).setDatatype(t.type().wireName());
        for (long d : t.shape()) {
            in.addShape(d);
        }
        return in;
    }

    /** A tensor's element bytes as raw contents. */
    public static ByteString raw(Tensor t) {
        return ByteString.copyFrom(t.data());
    }

    /** Client side: the response's outputs as tensors, from raw or typed contents. */
    public static List<Tensor> outputs(ModelInferResponse res) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < res.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor o = res.getOutputs(i);
            long[] shape = o.getShapeList().stream().mapToLong(Long::longValue).toArray();
            DataType type = DataType.parse(o.getDatatype());
            if (res.getRawOutputContentsCount() > 0) {
                out.add(Tensor.of(o.getName(), type, shape, res.getRawOutputContents(i).asReadOnlyByteBuffer()));
            } else {
                out.add(typed(o.getName(), type, shape, o.getContents()));
            }
        }
        return out;
    }
}
