package io.batchwise.http;

import static io.batchwise.http.SampleTensors.assertSameTensor;
import static io.batchwise.http.SampleTensors.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol's fields and choices: ids, parameters, outputs, binary flags, NaN spellings. */
class InferCodecProtocolTest {
    private final InferCodec codec = new InferCodec();
    private final ObjectMapper mapper = new ObjectMapper();

    private DecodedInfer decode(String json) {
        return codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8), null);
    }

    private static String input(String datatype, String shape, String data) {
        return "{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape + ",\"data\":" + data + "}";
    }

    private static String request(String input) {
        return "{\"inputs\":[" + input + "]}";
    }

    private static InferenceResponse twoOutputs() {
        return new InferenceResponse("req-7", "scorer", "3",
                List.of(sample("score", DataType.FP32), sample("label", DataType.INT64)));
    }

    @Test
    void decodeRequest_idAndParameters_keepsThemAsPlainValues() {
        DecodedInfer d = decode("{\"id\":\"r1\",\"model_name\":\"ignored\",\"parameters\":{\"timeout\":250000,"
                + "\"ratio\":0.5,\"flag\":true,\"name\":\"n\",\"list\":[1,null,\"a\"],\"map\":{\"k\":null,\"v\":2},"
                + "\"gone\":null,\"huge\":123456789012345678901234567890},"
                + "\"inputs\":[" + input("INT32", "[1]", "[1]") + "]}");

        InferenceRequest r = d.request();
        assertEquals("r1", r.id());
        assertEquals(250000L, r.parameters().get("timeout"));
        assertEquals(0.5, r.parameters().get("ratio"));
        assertEquals(true, r.parameters().get("flag"));
        assertEquals("n", r.parameters().get("name"));
        assertEquals(List.of(1L, "a"), r.parameters().get("list"));
        assertEquals(Map.of("v", 2L), r.parameters().get("map"));
        assertFalse(r.parameters().containsKey("gone"));
        assertEquals(new java.math.BigInteger("123456789012345678901234567890"), r.parameters().get("huge"));
    }

    @Test
    void decodeRequest_noIdNoOutputs_givesNullIdAndAllOutputsAsJson() {
        DecodedInfer d = decode(request(input("FP32", "[1,2]", "[1,2]")));

        assertNull(d.request().id());
        assertEquals(List.of(), d.request().outputs());
        assertFalse(d.binaryOutputs().isBinary("anything"));
    }

    @Test
    void decodeRequest_binaryDataOutput_makesEveryOutputBinaryUnlessOverridden() {
        DecodedInfer d = decode("{\"parameters\":{\"binary_data_output\":true},\"inputs\":["
                + input("FP32", "[1]", "[1]") + "],\"outputs\":[{\"name\":\"a\"},"
                + "{\"name\":\"b\",\"parameters\":{\"binary_data\":false}}]}");

        assertEquals(List.of("a", "b"), d.request().outputs());
        assertTrue(d.binaryOutputs().isBinary("a"));
        assertFalse(d.binaryOutputs().isBinary("b"));
        assertTrue(d.binaryOutputs().isBinary("not-listed"));
    }

    @Test
    void decodeRequest_perOutputBinaryData_makesOnlyThatOutputBinary() {
        DecodedInfer d = decode("{\"inputs\":[" + input("FP32", "[1]", "[1]") + "],\"outputs\":["
                + "{\"name\":\"a\",\"parameters\":{\"binary_data\":true}},{\"name\":\"b\"}]}");

        assertTrue(d.binaryOutputs().isBinary("a"));
        assertFalse(d.binaryOutputs().isBinary("b"));
    }

    @Test
    void encodeResponse_allJson_writesFlatDataAndNoHeader() throws Exception {
        EncodedBody body = codec.encodeResponse(twoOutputs(), BinaryOutputs.none());

        assertNull(body.headerLength());
        assertEquals("application/json", body.contentType());
        JsonNode json = mapper.readTree(body.body());
        assertEquals("scorer", json.get("model_name").asText());
        assertEquals("3", json.get("model_version").asText());
        assertEquals("req-7", json.get("id").asText());
        JsonNode score = json.get("outputs").get(0);
        assertEquals("score", score.get("name").asText());
        assertEquals("FP32", score.get("datatype").asText());
        assertEquals("[2,4]", score.get("shape").toString());
        assertEquals(8, score.get("data").size());
        assertTrue(score.get("data").get(0).isNumber());
        assertFalse(score.has("parameters"));
    }

    @Test
    void encodeResponse_nonFiniteFloats_writesThemAsStrings() throws Exception {
        EncodedBody body = codec.encodeResponse(twoOutputs(), BinaryOutputs.none());

        JsonNode data = mapper.readTree(body.body()).get("outputs").get(0).get("data");
        assertEquals("NaN", data.get(3).textValue());
        assertEquals("Infinity", data.get(4).textValue());
        assertEquals("-Infinity", data.get(5).textValue());
    }

    @Test
    void encodeResponse_oneBinaryOutput_framesItAfterTheJson() throws Exception {
        InferenceResponse response = twoOutputs();
        BinaryOutputs choices = new BinaryOutputs(false, Map.of("label", true));

        EncodedBody body = codec.encodeResponse(response, choices);

        assertEquals("application/octet-stream", body.contentType());
        int headerLength = body.headerLength();
        Tensor label = response.outputs().get(1);
        assertEquals(headerLength + label.byteSize(), body.body().length);
        JsonNode json = mapper.readTree(Arrays.copyOf(body.body(), headerLength));
        JsonNode score = json.get("outputs").get(0);
        JsonNode labelJson = json.get("outputs").get(1);
        assertTrue(score.has("data"));
        assertFalse(labelJson.has("data"));
        assertEquals(label.byteSize(), labelJson.get("parameters").get("binary_data_size").asInt());
        assertArrayEquals(SampleTensors.bytes(label),
                Arrays.copyOfRange(body.body(), headerLength, body.body().length));
    }

    @Test
    void encodeResponse_noRequestId_omitsId() throws Exception {
        InferenceResponse response = new InferenceResponse(null, "m", null, List.of(sample("y", DataType.BOOL)));

        JsonNode json = mapper.readTree(codec.encodeResponse(response, BinaryOutputs.none()).body());

        assertFalse(json.has("id"));
        assertFalse(json.has("model_version"));
        assertEquals("[true,false,true,true,false,false,true,false]", json.get("outputs").get(0).get("data").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FP16", "FP32", "FP64"})
    void decodeRequest_nonFiniteAsStringsOrBareWords_decodesThem(String type) {
        for (String data : List.of("[\"NaN\",\"Infinity\",\"-Infinity\",\"+Infinity\"]",
                "[NaN,Infinity,-Infinity,+Infinity]")) {
            double[] v = decode(request(input(type, "[4]", data))).request().inputs().get(0).toDoubles();
            assertTrue(Double.isNaN(v[0]), data);
            assertEquals(Double.POSITIVE_INFINITY, v[1], data);
            assertEquals(Double.NEGATIVE_INFINITY, v[2], data);
            assertEquals(Double.POSITIVE_INFINITY, v[3], data);
        }
    }

    @Test
    void decodeRequest_bareNonFiniteBeforeDatatype_decodesThem() {
        String json = "{\"inputs\":[{\"data\":[NaN,-Infinity,1e2],\"name\":\"x\",\"shape\":[3],\"datatype\":\"FP32\"}]}";

        double[] v = decode(json).request().inputs().get(0).toDoubles();

        assertTrue(Double.isNaN(v[0]));
        assertEquals(Double.NEGATIVE_INFINITY, v[1]);
        assertEquals(100.0, v[2]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "FP32 | [1, 2.5, -3e2, 0]  | 1, 2.5, -300, 0",
        "FP64 | [1, 2.5, -3e2, 0]  | 1, 2.5, -300, 0",
        "FP16 | [1, 2.5, -3e2, 0]  | 1, 2.5, -300, 0",
        "UINT8 | [0, 255, 1, 2]    | 0, 255, 1, 2",
        "INT16 | [-32768, 32767, 0, 1] | -32768, 32767, 0, 1",
        "BOOL | [true, false, false, true] | 1, 0, 0, 1"
    })
    void decodeRequest_numbersInJson_storesTypedValues(String type, String data, String expected) {
        double[] v = decode(request(input(type, "[4]", data))).request().inputs().get(0).toDoubles();

        double[] want = Arrays.stream(expected.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(want, v);
    }

    @Test
    void decodeRequest_nestedThreeDimensions_isRowMajor() {
        Tensor t = decode(request(input("INT32", "[2,2,2]", "[[[1,2],[3,4]],[[5,6],[7,8]]]")))
                .request().inputs().get(0);

        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, t.toDoubles());
    }

    @Test
    void decodeRequest_bytesStrings_storesLengthPrefixedUtf8() {
        Tensor t = decode(request(input("BYTES", "[2]", "[\"h\\u00e9\",\"\"]"))).request().inputs().get(0);

        assertSameTensor(SampleTensors.strings("x", new long[] {2}, "h\u00e9", ""), t);
    }

    @Test
    void decodeRequest_headerLengthEqualToBody_isPlainJson() {
        byte[] json = request(input("FP32", "[1]", "[1]")).getBytes(StandardCharsets.UTF_8);

        DecodedInfer d = codec.decodeRequest(json, " " + json.length + " ");

        assertEquals(1, d.request().inputs().size());
    }

    @Test
    void decodeResponse_serverErrorBody_reportsServerMessage() {
        byte[] body = "{\"error\":\"model 'x' not found\"}".getBytes(StandardCharsets.UTF_8);

        var e = org.junit.jupiter.api.Assertions.assertThrows(io.batchwise.tensor.InvalidInput.class,
                () -> codec.decodeResponse(body, null));

        assertTrue(e.getMessage().contains("model 'x' not found"), e.getMessage());
    }
}
