package io.batchwise.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchwise.model.ModelConfig;
import io.batchwise.onnx.Attribute;
import io.batchwise.onnx.OnnxGraph;
import io.batchwise.onnx.OnnxWriter;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every datatype passes through a real ONNX Runtime session, batched: a model written per type
 * returns its input unchanged ({@code same}, Identity) and converted to FP64 ({@code as_double},
 * Cast), which checks that ONNX Runtime read the bytes as the values we meant.
 */
class DatatypeModelsTest {
    private static final long[] ROWS = {1, 3, 2};
    private static final OnnxRuntime RUNTIME = OnnxRuntime.create();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = "BYTES", mode = EnumSource.Mode.EXCLUDE)
    void runBatch_identityAndCast_passEveryValueThroughPerRequest(DataType type) throws IOException {
        OnnxGraph graph = OnnxGraph.builder("dtype_" + type)
                .input("x", type, -1, 3)
                .node("Identity", List.of("x"), List.of("same"))
                .node("Cast", List.of("x"), List.of("as_double"), Attribute.ofInt("to", 11))
                .output("same", type, -1, 3)
                .output("as_double", DataType.FP64, -1, 3)
                .build();
        try (ModelInstance instance = open(graph)) {
            assertEquals(type, instance.signature().input("x").type());
            assertEquals(type, instance.signature().output("same").type());
            List<List<Tensor>> requests = new ArrayList<>();
            int start = 0;
            for (long rows : ROWS) {
                requests.add(List.of(values(type, rows, start)));
                start += (int) rows * 3;
            }

            List<List<Tensor>> out = instance.runBatch(requests, Set.of());

            for (int r = 0; r < requests.size(); r++) {
                Tensor in = requests.get(r).get(0);
                Tensor same = find(out.get(r), "same");
                Tensor asDouble = find(out.get(r), "as_double");
                assertEquals(type, same.type());
                assertArrayEquals(in.shape(), same.shape());
                assertArrayEquals(bytes(in), bytes(same), type + " request " + r);
                assertArrayEquals(in.toDoubles(), asDouble.toDoubles(), 0.0, type + " request " + r);
            }
        }
    }

    @Test
    void runBatch_bytesIdentity_passesStringsThroughPerRequest() throws IOException {
        OnnxGraph graph = OnnxGraph.builder("strings")
                .input("x", DataType.BYTES, -1, 2)
                .node("Identity", List.of("x"), List.of("same"))
                .output("same", DataType.BYTES, -1, 2)
                .build();
        try (ModelInstance instance = open(graph)) {
            Tensor a = strings(1, "héllo", "");
            Tensor b = strings(2, "a", "bb", "ccc", "🙂");
            List<List<Tensor>> out = instance.runBatch(List.of(List.of(a), List.of(b)), Set.of());
            assertArrayEquals(bytes(a), bytes(out.get(0).get(0)));
            assertArrayEquals(bytes(b), bytes(out.get(1).get(0)));
            assertArrayEquals(new long[] {2, 2}, out.get(1).get(0).shape());
        }
    }

    @Test
    void runBatch_extremeFloats_passThroughUnchanged() throws IOException {
        OnnxGraph graph = OnnxGraph.builder("floats")
                .input("x", DataType.FP32, -1, 4)
                .node("Identity", List.of("x"), List.of("same"))
                .output("same", DataType.FP32, -1, 4)
                .build();
        try (ModelInstance instance = open(graph)) {
            Tensor in = Tensor.ofFloats("x", new long[] {2, 4}, Float.NaN, Float.POSITIVE_INFINITY,
                    Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f);
            Tensor out = instance.runBatch(List.of(List.of(in)), Set.of()).get(0).get(0);
            assertArrayEquals(bytes(in), bytes(out));
        }
    }

    private ModelInstance open(OnnxGraph graph) throws IOException {
        Path file = dir.resolve(graph.name() + ".onnx");
        OnnxWriter.write(graph, file);
        return RUNTIME.open(file, ModelConfig.defaults(graph.name()), 0);
    }

    /** {@code rows} x 3 values of the type, covering its edges: negatives, the extremes, fractions. */
    static Tensor values(DataType type, long rows, int start) {
        int n = Math.toIntExact(rows * 3);
        ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int k = start + i;
            switch (type) {
                case BOOL -> b.put((byte) (k % 3 == 0 ? 1 : 0));
                case UINT8 -> b.put((byte) new int[] {0, 1, 127, 128, 200, 255}[k % 6]);
                case INT8 -> b.put(new byte[] {Byte.MIN_VALUE, -1, 0, 1, Byte.MAX_VALUE, 42}[k % 6]);
                case INT16 -> b.putShort(new short[] {Short.MIN_VALUE, -300, 0, 7, Short.MAX_VALUE, 1234}[k % 6]);
                case INT32 -> b.putInt(new int[] {Integer.MIN_VALUE, -70000, 0, 9, Integer.MAX_VALUE, 123456}[k % 6]);
                // Cast to double keeps int64 exact only within 2^53
                case INT64 -> b.putLong(new long[] {-(1L << 53), -5_000_000_000L, 0, 11, 1L << 53, 987654321012L}[k % 6]);
                case FP16 -> b.putShort(TensorValues.floatToHalf(new float[] {-65504f, -1.5f, 0f, 0.333f, 65504f,
                        6e-8f}[k % 6]));
                case FP32 -> b.putFloat(new float[] {-Float.MAX_VALUE, -1.25f, 0f, 1e-38f, Float.MAX_VALUE,
                        3.14159f}[k % 6]);
                case FP64 -> b.putDouble(new double[] {-Double.MAX_VALUE, -1e-300, 0, Math.PI, Double.MAX_VALUE,
                        Double.MIN_VALUE}[k % 6]);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        b.flip();
        return Tensor.of("x", type, new long[] {rows, 3}, b);
    }

    static Tensor strings(long rows, String... values) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) {
            byte[] s = v.getBytes(StandardCharsets.UTF_8);
            b.putInt(s.length).put(s);
        }
        b.flip();
        return Tensor.of("x", DataType.BYTES, new long[] {rows, 2}, b);
    }

    private static Tensor find(List<Tensor> outputs, String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static byte[] bytes(Tensor t) {
        ByteBuffer b = t.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
