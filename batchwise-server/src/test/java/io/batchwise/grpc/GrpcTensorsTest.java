package io.batchwise.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.grpc.proto.GrpcService.InferParameter;
import io.batchwise.grpc.proto.GrpcService.InferTensorContents;
import io.batchwise.grpc.proto.GrpcService.ModelInferRequest;
import io.batchwise.grpc.proto.GrpcService.ModelInferResponse;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GrpcTensorsTest {
    /** Six elements of a datatype in shape [2, 3], including each type's extremes. */
    static Tensor sample(DataType type) {
        long[] shape = {2, 3};
        if (type == DataType.BYTES) {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            for (String s : List.of("", "a", "héllo", "x y", "\0", "last")) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                b.putInt(bytes.length).put(bytes);
            }
            return Tensor.of("t", type, shape, b.flip());
        }
        double[] values = switch (type) {
            case BOOL -> new double[] {1, 0, 1, 1, 0, 0};
            case UINT8 -> new double[] {0, 255, 1, 128, 7, 200};
            case INT8 -> new double[] {-128, 127, 0, -1, 5, 100};
            case INT16 -> new double[] {Short.MIN_VALUE, Short.MAX_VALUE, 0, -1, 300, -300};
            case INT32 -> new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 70000, -70000};
            case INT64 -> new double[] {-(1L << 53), 1L << 53, 0, -1, 1L << 40, 7};
            default -> new double[] {0, -1.5, 3.25, 1e30, -1e-20, Double.NaN};
        };
        ByteBuffer b = ByteBuffer.allocate(values.length * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (type) {
                case BOOL, UINT8, INT8 -> b.put((byte) (long) v);
                case INT16 -> b.putShort((short) v);
                case INT32 -> b.putInt((int) v);
                case INT64 -> b.putLong((long) v);
                case FP16 -> b.putShort(TensorValues.floatToHalf((float) v));
                case FP32 -> b.putFloat((float) v);
                default -> b.putDouble(v);
            }
        }
        return Tensor.of("t", type, shape, b.flip());
    }

    private static byte[] bytes(Tensor t) {
        ByteBuffer b = t.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void assertSameTensor(Tensor expected, Tensor actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.type(), actual.type());
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(bytes(expected), bytes(actual));
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void decode_rawInput_keepsTheBytes(DataType type) {
        Tensor t = sample(type);
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("m").addInputs(GrpcTensors.inputHeader(t))
                .addRawInputContents(GrpcTensors.raw(t)).build();
        GrpcTensors.Decoded d = GrpcTensors.decode(req);
        assertTrue(d.rawOutputs());
        assertSameTensor(t, d.request().inputs().get(0));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = "FP16", mode = EnumSource.Mode.EXCLUDE)
    void decode_typedInput_givesTheSameBytesAsRaw(DataType type) {
        Tensor t = sample(type);
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("m")
                .addInputs(GrpcTensors.typedInput(t)).build();
        GrpcTensors.Decoded d = GrpcTensors.decode(req);
        assertEquals(false, d.rawOutputs());
        assertSameTensor(t, d.request().inputs().get(0));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = "FP16", mode = EnumSource.Mode.EXCLUDE)
    void encode_typedOrRaw_roundTripsThroughTheClientDecoder(DataType type) {
        Tensor t = sample(type);
        InferenceResponse res = new InferenceResponse("id-1", "m", "3", List.of(t));
        for (boolean raw : new boolean[] {true, false}) {
            ModelInferResponse encoded = GrpcTensors.encode(res, raw);
            assertEquals(raw ? 1 : 0, encoded.getRawOutputContentsCount());
            assertEquals(!raw, encoded.getOutputs(0).hasContents());
            assertEquals("id-1", encoded.getId());
            assertEquals("3", encoded.getModelVersion());
            assertSameTensor(t, GrpcTensors.outputs(encoded).get(0));
        }
    }

    @Test
    void encode_fp16Output_isRawEvenForATypedRequest() {
        ModelInferResponse encoded = GrpcTensors.encode(
                new InferenceResponse(null, "m", "1", List.of(sample(DataType.FP16), sample(DataType.FP32))), false);
        assertEquals(2, encoded.getRawOutputContentsCount());
        assertSameTensor(sample(DataType.FP16), GrpcTensors.outputs(encoded).get(0));
        assertEquals("", encoded.getId());
    }

    @Test
    void decode_parameters_becomePlainValues() {
        Tensor t = sample(DataType.FP32);
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("m").addInputs(GrpcTensors.typedInput(t))
                .putParameters("timeout", InferParameter.newBuilder().setInt64Param(2500).build())
                .putParameters("priority", InferParameter.newBuilder().setStringParam("deferred").build())
                .putParameters("flag", InferParameter.newBuilder().setBoolParam(true).build())
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("y")).build();
        GrpcTensors.Decoded d = GrpcTensors.decode(req);
        assertEquals(Map.of("timeout", 2500L, "priority", "deferred", "flag", true), d.request().parameters());
        assertEquals(List.of("y"), d.request().outputs());
        assertNull(d.request().id());
    }

    @Test
    void decode_valuesOutsideTheDatatype_areInvalid() {
        ModelInferRequest.InferInputTensor.Builder in = ModelInferRequest.InferInputTensor.newBuilder().setName("x")
                .setDatatype("INT8").addShape(2);
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("m").addInputs(
                in.setContents(InferTensorContents.newBuilder().addIntContents(1).addIntContents(300))).build();
        InvalidInput e = assertThrows(InvalidInput.class, () -> GrpcTensors.decode(req));
        assertTrue(e.getMessage().contains("300"), e.getMessage());
    }

    @Test
    void decode_hugeShape_isInvalidNotAnOverflow() {
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("m").addInputs(
                ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                        .addAllShape(Arrays.asList(1L << 40, 1L << 40))).build();
        assertThrows(InvalidInput.class, () -> GrpcTensors.decode(req));
    }
}
