package io.batchwise.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OnnxWriterTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @ParameterizedTest
    @EnumSource(DataType.class)
    void write_identityOfInitializer_ortReturnsSameValues(DataType type) throws OrtException {
        Tensor constant = sample(type);
        OnnxGraph graph = OnnxGraph.builder("roundtrip_" + type)
                .initializer(constant)
                .node("Identity", List.of("c"), List.of("y"))
                .output("y", type, 2, 3)
                .build();
        try (OrtSession session = ENV.createSession(OnnxWriter.toBytes(graph), new OrtSession.SessionOptions());
             OrtSession.Result result = session.run(Map.of())) {
            OnnxTensor y = (OnnxTensor) result.get(0);
            assertArrayEquals(new long[] {2, 3}, y.getInfo().getShape());
            if (type == DataType.BYTES) {
                String[][] strings = (String[][]) y.getValue();
                assertArrayEquals(new String[] {"a", "", "héllo"}, strings[0]);
                assertArrayEquals(new String[] {"batch", "wise", "x"}, strings[1]);
            } else {
                assertEquals(constant.data(), y.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
            }
        }
    }

    @Test
    void write_variableRowDimension_ortSeesSymbolicBatch() throws OrtException {
        OnnxGraph graph = SyntheticModels.mlp("m", 1, 16, 8, 4);
        try (OrtSession session = ENV.createSession(OnnxWriter.toBytes(graph), new OrtSession.SessionOptions())) {
            TensorInfo in = (TensorInfo) session.getInputInfo().get("input").getInfo();
            assertArrayEquals(new long[] {-1, 16}, in.getShape());
            assertEquals("batch", in.getDimensionNames()[0]);
            TensorInfo out = (TensorInfo) session.getOutputInfo().get("output").getInfo();
            assertArrayEquals(new long[] {-1, 4}, out.getShape());
        }
    }

    @Test
    void write_attributesOfEachKind_ortAppliesThem() throws OrtException {
        OnnxGraph graph = OnnxGraph.builder("attributes")
                .input("x", DataType.FP32, -1, 2)
                .node("LeakyRelu", List.of("x"), List.of("leaky"), Attribute.ofFloat("alpha", 0.5f))
                .node("Transpose", List.of("leaky"), List.of("t"), Attribute.ofInts("perm", 1, 0))
                .node("Constant", List.of(), List.of("i"), Attribute.ofInt("value_int", -3))
                .node("Constant", List.of(), List.of("fs"), Attribute.ofFloats("value_floats", 1.5f, -2f))
                .node("Constant", List.of(), List.of("s"), Attribute.ofString("value_string", "hi"))
                .node("Constant", List.of(), List.of("c"),
                        Attribute.ofTensor("value", Tensor.ofLongs("v", new long[] {2}, 7, 9)))
                .output("t", DataType.FP32, 2, -1)
                .output("i", DataType.INT64)
                .output("fs", DataType.FP32, 2)
                .output("s", DataType.BYTES)
                .output("c", DataType.INT64, 2)
                .build();
        try (OrtSession session = ENV.createSession(OnnxWriter.toBytes(graph), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(ENV, new float[][] {{1, -2}, {-4, 3}});
             OrtSession.Result r = session.run(Map.of("x", x))) {
            assertArrayEquals(new float[][] {{1, -2}, {-1, 3}}, (float[][]) r.get("t").get().getValue());
            assertEquals(-3L, r.get("i").get().getValue());
            assertArrayEquals(new float[] {1.5f, -2f}, (float[]) r.get("fs").get().getValue());
            assertEquals("hi", r.get("s").get().getValue());
            assertArrayEquals(new long[] {7, 9}, (long[]) r.get("c").get().getValue());
        }
    }

    @Test
    void toBytes_sameGraph_sameBytes() {
        assertArrayEquals(OnnxWriter.toBytes(SyntheticModels.mlp("m", 5, 8, 8, 2)),
                OnnxWriter.toBytes(SyntheticModels.mlp("m", 5, 8, 8, 2)));
    }

    @Test
    void write_toFile_equalsToBytesAndLeavesNoTempFile(@TempDir Path dir) throws IOException {
        OnnxGraph graph = SyntheticModels.mlp("m", 5, 8, 8, 2);
        Path file = dir.resolve("a/b/model.onnx");
        OnnxWriter.write(graph, file);
        assertArrayEquals(OnnxWriter.toBytes(graph), Files.readAllBytes(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void node_undefinedInput_rejectedWithName() {
        var b = OnnxGraph.builder("g").input("x", DataType.FP32, -1, 2);
        var e = assertThrows(IllegalArgumentException.class,
                () -> b.node("Relu", List.of("typo"), List.of("y")));
        assertEquals("Relu node: input 'typo' is not defined yet", e.getMessage());
    }

    @Test
    void node_outputRedefinesValue_rejected() {
        var b = OnnxGraph.builder("g").input("x", DataType.FP32, -1, 2);
        assertThrows(IllegalArgumentException.class, () -> b.node("Relu", List.of("x"), List.of("x")));
    }

    @Test
    void output_notProduced_rejected() {
        var b = OnnxGraph.builder("g").input("x", DataType.FP32, -1, 2);
        assertThrows(IllegalArgumentException.class, () -> b.output("y", DataType.FP32, -1, 2));
    }

    @Test
    void initializer_wrongValueCount_rejected() {
        var b = OnnxGraph.builder("g");
        assertThrows(IllegalArgumentException.class, () -> b.initializer("w", new long[] {2, 2}, 1f, 2f, 3f));
    }

    @Test
    void build_noOutput_rejected() {
        var b = OnnxGraph.builder("g").input("x", DataType.FP32, 1);
        assertThrows(IllegalStateException.class, b::build);
    }

    /** A 2 x 3 constant named "c" of the given type with distinctive values. */
    private static Tensor sample(DataType type) {
        long[] shape = {2, 3};
        if (type == DataType.BYTES) {
            ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
            for (String s : new String[] {"a", "", "héllo", "batch", "wise", "x"}) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                b.putInt(utf8.length).put(utf8);
            }
            return Tensor.of("c", type, shape, b.flip());
        }
        double[] values = {1, 0, -2, 3.5, 127, -128};
        ByteBuffer b = ByteBuffer.allocate(6 * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (type) {
                case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
                case UINT8 -> b.put((byte) (v < 0 ? 200 : (int) v));
                case INT8 -> b.put((byte) v);
                case INT16 -> b.putShort((short) (v * 100));
                case INT32 -> b.putInt((int) (v * 1e6));
                case INT64 -> b.putLong((long) (v * 1e15));
                case FP16 -> b.putShort(TensorValues.floatToHalf((float) v));
                case FP32 -> b.putFloat((float) v);
                case FP64 -> b.putDouble(v * Math.PI);
                default -> throw new AssertionError(type);
            }
        }
        return Tensor.of("c", type, shape, b.flip());
    }
}
