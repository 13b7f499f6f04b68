package io.batchwise.http;

import static io.batchwise.http.SampleTensors.assertSameTensor;
import static io.batchwise.http.SampleTensors.assertSameTensors;
import static io.batchwise.http.SampleTensors.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InferCodecRoundTripTest {
    private final InferCodec codec = new InferCodec();
    private final ObjectMapper mapper = new ObjectMapper();

    private static InferenceRequest request(Tensor... inputs) {
        return new InferenceRequest("req-1", List.of(inputs), List.of(), Map.of());
    }

    private static String header(EncodedBody e) {
        return e.headerLength() == null ? null : e.headerLength().toString();
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void encodeJsonRequest_anyDatatype_decodesToSameTensor(DataType type) {
        Tensor x = sample("x", type);
        EncodedBody body = codec.encodeJsonRequest(request(x), BinaryOutputs.none());

        assertNull(body.headerLength());
        assertEquals("application/json", body.contentType());
        assertSameTensor(x, codec.decodeRequest(body.body(), null).request().inputs().get(0));
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void encodeBinaryRequest_anyDatatype_decodesToSameTensor(DataType type) {
        Tensor x = sample("x", type);
        EncodedBody body = codec.encodeBinaryRequest(request(x), BinaryOutputs.none());

        assertEquals(body.body().length - x.byteSize(), body.headerLength());
        assertEquals("application/octet-stream", body.contentType());
        assertSameTensor(x, codec.decodeRequest(body.body(), header(body)).request().inputs().get(0));
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void encodeResponse_jsonOutput_decodesToSameTensor(DataType type) {
        InferenceResponse response = new InferenceResponse("r", "m", "1", List.of(sample("y", type)));
        EncodedBody body = codec.encodeResponse(response, BinaryOutputs.none());

        assertNull(body.headerLength());
        InferenceResponse back = codec.decodeResponse(body.body(), null);
        assertSameTensors(response.outputs(), back.outputs());
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void encodeResponse_binaryOutput_decodesToSameTensor(DataType type) {
        InferenceResponse response = new InferenceResponse("r", "m", "1", List.of(sample("y", type)));
        EncodedBody body = codec.encodeResponse(response, BinaryOutputs.all());

        assertTrue(body.hasBinaryData());
        InferenceResponse back = codec.decodeResponse(body.body(), header(body));
        assertSameTensors(response.outputs(), back.outputs());
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void decodeRequest_dataNestedToShape_equalsFlatData(DataType type) throws Exception {
        Tensor x = sample("x", type);
        ObjectNode json = (ObjectNode) mapper.readTree(codec.encodeJsonRequest(request(x), BinaryOutputs.none()).body());
        ObjectNode input = (ObjectNode) json.get("inputs").get(0);
        ArrayNode flat = (ArrayNode) input.get("data");
        ArrayNode nested = mapper.createArrayNode();
        for (int row = 0; row < 2; row++) {
            ArrayNode r = nested.addArray();
            for (int col = 0; col < 4; col++) {
                r.add(flat.get(row * 4 + col));
            }
        }
        input.set("data", nested);

        Tensor decoded = codec.decodeRequest(mapper.writeValueAsBytes(json), null).request().inputs().get(0);

        assertSameTensor(x, decoded);
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void decodeRequest_dataBeforeShapeAndDatatype_decodesSameTensor(DataType type) throws Exception {
        Tensor x = sample("x", type);
        ObjectNode json = (ObjectNode) mapper.readTree(codec.encodeJsonRequest(request(x), BinaryOutputs.none()).body());
        ObjectNode input = (ObjectNode) json.get("inputs").get(0);
        ObjectNode reordered = mapper.createObjectNode();
        reordered.set("data", input.get("data"));
        reordered.set("shape", input.get("shape"));
        reordered.set("datatype", input.get("datatype"));
        reordered.set("name", input.get("name"));
        ((ArrayNode) json.get("inputs")).set(0, reordered);

        Tensor decoded = codec.decodeRequest(mapper.writeValueAsBytes(json), null).request().inputs().get(0);

        assertSameTensor(x, decoded);
    }

    @Test
    void decodeRequest_mixedJsonAndBinaryInputs_takesBinaryInInputOrder() {
        Tensor a = sample("a", DataType.FP32);
        Tensor b = sample("b", DataType.INT64);
        Tensor c = sample("c", DataType.BYTES);
        String json = "{\"inputs\":["
                + "{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2,4],\"parameters\":{\"binary_data_size\":32}},"
                + "{\"name\":\"b\",\"datatype\":\"INT64\",\"shape\":[2,4],\"data\":"
                + "[-9223372036854775808,9223372036854775807,0,-1,9007199254740992,-1099511627776,7,8]},"
                + "{\"name\":\"c\",\"datatype\":\"BYTES\",\"shape\":[2,4],\"parameters\":{\"binary_data_size\":"
                + c.byteSize() + "}}]}";
        byte[] head = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(head.length + a.byteSize() + c.byteSize());
        body.put(head).put(a.data()).put(c.data());

        InferenceRequest decoded = codec.decodeRequest(body.array(), String.valueOf(head.length)).request();

        assertSameTensors(List.of(a, b, c), decoded.inputs());
    }

    @Test
    void decodeRequest_rankZeroScalar_acceptsBareAndWrappedValue() {
        for (String data : List.of("2.5", "[2.5]")) {
            String json = "{\"inputs\":[{\"name\":\"s\",\"datatype\":\"FP64\",\"shape\":[],\"data\":" + data + "}]}";
            Tensor s = codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8), null).request().inputs().get(0);
            assertEquals(0, s.shape().length);
            assertEquals(2.5, s.toDoubles()[0]);
        }
    }

    @Test
    void decodeRequest_emptyTensor_acceptsEmptyData() {
        String json = "{\"inputs\":[{\"name\":\"e\",\"datatype\":\"FP32\",\"shape\":[0,4],\"data\":[]}]}";
        Tensor e = codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8), null).request().inputs().get(0);
        assertEquals(0, e.byteSize());
    }

    @Test
    void decodeRequest_largeFp32Batch_decodesEveryValue() {
        int rows = 128;
        int cols = 1024;
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i) * 1000;
        }
        Tensor features = Tensor.ofFloats("features", new long[] {rows, cols}, values);
        byte[] json = codec.encodeJsonRequest(request(features), BinaryOutputs.none()).body();

        DecodedInfer decoded = codec.decodeRequest(json, null);

        assertSameTensor(features, decoded.request().inputs().get(0));
    }

    @Test
    void encodeRequest_withOutputsAndParameters_roundTripsThem() {
        InferenceRequest original = new InferenceRequest("abc", List.of(sample("x", DataType.INT32)),
                List.of("p", "q"), Map.of("timeout", 5000L, "tags", List.of("a", 1L, true), "deep", Map.of("k", 0.5)));
        BinaryOutputs choices = new BinaryOutputs(true, Map.of("q", false));

        for (EncodedBody body : List.of(codec.encodeJsonRequest(original, choices),
                codec.encodeBinaryRequest(original, choices))) {
            DecodedInfer decoded = codec.decodeRequest(body.body(), header(body));
            assertEquals("abc", decoded.request().id());
            assertEquals(List.of("p", "q"), decoded.request().outputs());
            assertEquals(5000L, decoded.request().parameters().get("timeout"));
            assertEquals(List.of("a", 1L, true), decoded.request().parameters().get("tags"));
            assertEquals(Map.of("k", 0.5), decoded.request().parameters().get("deep"));
            assertTrue(decoded.binaryOutputs().isBinary("p"));
            assertFalse(decoded.binaryOutputs().isBinary("q"));
        }
    }
}
