package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.runtime.InferenceRequest;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every client mistake is an {@link InvalidInput} whose message says what is wrong. */
class InferCodecInvalidInputTest {
    private static final String X = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}";
    private final InferCodec codec = new InferCodec();

    private static String input(String datatype, String shape, String data) {
        return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
                + ",\"data\":" + data + "}]}";
    }

    private static String binaryInput(String datatype, String shape, long size) {
        return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
                + ",\"parameters\":{\"binary_data_size\":" + size + "}}]}";
    }

    private static Arguments json(String body, String message) {
        return Arguments.of(body.isEmpty() ? "(empty body)" : body, body.getBytes(StandardCharsets.UTF_8), null, message);
    }

    private static Arguments withHeader(String body, String header, String message) {
        return Arguments.of(body + " [header " + header + "]", body.getBytes(StandardCharsets.UTF_8), header, message);
    }

    private static Arguments framed(String json, byte[] tail, String message) {
        byte[] head = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(head.length + tail.length).put(head).put(tail).array();
        return Arguments.of(json + " + " + tail.length + " bytes", body, String.valueOf(head.length), message);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // the JSON itself
                json("{\"inputs\": [", "malformed JSON"),
                json("{\"id\": \"a\",}", "malformed JSON"),
                json("", "body is empty"),
                json("[1]", "must be a JSON object"),
                json("{\"inputs\":null,\"inputs\":null}", "Duplicate field 'inputs'"),
                json(input("FP32", "[1]", "[1]") + "{}", "after the JSON object"),
                // request fields
                json("{\"id\":\"a\"}", "request has no inputs"),
                json("{\"inputs\":null}", "request has no inputs"),
                json("{\"inputs\":{}}", "inputs must be an array"),
                json("{\"inputs\":[]}", "inputs are empty"),
                json("{\"id\":5,\"inputs\":[]}", "request id must be a string"),
                json("{\"parameters\":[1],\"inputs\":[]}", "request parameters must be a JSON object"),
                json("{\"parameters\":{\"binary_data_output\":\"yes\"},\"inputs\":[" + X + "]}",
                        "binary_data_output must be true or false"),
                // input fields
                json("{\"inputs\":[1]}", "inputs[0] must be a JSON object"),
                json("{\"inputs\":[{\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}", "inputs[0] has no name"),
                json("{\"inputs\":[{\"name\":7,\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}",
                        "inputs[0]: name must be a string"),
                json("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1]}]}", "input 'x' has no shape"),
                json("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"data\":[1]}]}", "input 'x' has no datatype"),
                json("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1]}]}", "input 'x' has no data"),
                json("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"parameters\":3,\"data\":[1]}]}",
                        "input 'x': parameters must be a JSON object"),
                json(input("FP8", "[1]", "[1]"), "input 'x': unsupported datatype 'FP8'"),
                json(input("FP32", "[2, 1.5]", "[1]"), "input 'x': shape must be an array of non-negative integers"),
                json(input("FP32", "[2, -1]", "[1]"), "shape must be an array of non-negative integers, got -1"),
                json(input("FP32", "\"2x2\"", "[1]"), "shape must be an array of non-negative integers"),
                json(input("FP32", "[99999999999999999999]", "[1]"), "shape must be an array of non-negative integers"),
                json(input("FP32", "[4294967296, 4294967296, 4294967296]", "[1]"), "has too many elements"),
                json(input("FP32", "[1000000000]", "[1]"), "needs 1000000000 elements, more than a"),
                json("{\"inputs\":[" + X + "," + X + "]}", "duplicate input name 'x'"),
                // data against shape
                json(input("FP32", "[2,2]", "[1,2,3]"), "shape [2, 2] needs 4 elements but data has 3"),
                json(input("FP32", "[2,2]", "[1,2,3,4,5]"), "shape [2, 2] needs 4 elements but data has more"),
                json(input("FP32", "[1]", "5"), "data must be an array, got 5"),
                json(input("FP32", "[2,2]", "[[1,2],[3]]"), "dimension 1 has 1 entries, expected 2"),
                json(input("FP32", "[2,2]", "[[1,2],[3,4],[5,6]]"), "dimension 0 has more than 2 entries"),
                json(input("FP32", "[2,2]", "[[1,2,3],[4]]"), "dimension 1 has more than 2 entries"),
                json(input("FP32", "[4]", "[[1,2],[3,4]]"), "nested deeper than shape [4]"),
                json(input("FP32", "[2,2]", "[[[1],[2]],[[3],[4]]]"), "nested deeper than shape [2, 2]"),
                json(input("FP32", "[2,2]", "[1,[2,3],4]"), "mixes values and nested arrays"),
                json(input("FP32", "[2,2,1]", "[[1,2],[3,4]]"), "entries of dimension 1 must be arrays, got 1"),
                json(input("FP32", "[2,2]", "[[1,2],3]"), "entries of dimension 0 must be arrays, got 3"),
                // values against datatype
                json(input("FP32", "[2]", "[1,\"a\"]"), "element 1: expected a number"),
                json(input("FP64", "[1]", "[true]"), "element 0: expected a number"),
                json(input("FP16", "[1]", "[{}]"), "element 0: expected a number"),
                json(input("INT32", "[1]", "[\"1\"]"), "element 0: expected an integer for INT32, got \"1\""),
                json(input("INT32", "[2]", "[1, 1.5]"), "element 1: expected an integer for INT32, got 1.5"),
                json(input("INT64", "[1]", "[1e3]"), "expected an integer for INT64"),
                json(input("UINT8", "[1]", "[256]"), "256 is out of range for UINT8"),
                json(input("UINT8", "[1]", "[-1]"), "-1 is out of range for UINT8"),
                json(input("INT8", "[1]", "[128]"), "128 is out of range for INT8"),
                json(input("INT16", "[1]", "[-32769]"), "-32769 is out of range for INT16"),
                json(input("INT32", "[1]", "[2147483648]"), "2147483648 is out of range for INT32"),
                json(input("INT64", "[1]", "[9223372036854775808]"), "9223372036854775808 is out of range for INT64"),
                json(input("FP16", "[1]", "[70000]"), "70000 is out of range for FP16"),
                json(input("FP32", "[1]", "[1e39]"), "1e39 is out of range for FP32"),
                json(input("FP64", "[1]", "[1e400]"), "1e400 is out of range for FP64"),
                json(input("FP32", "[1]", "[\"nan\"]"), "expected a number"),
                json(input("BOOL", "[1]", "[1]"), "element 0: expected true or false for BOOL, got 1"),
                json(input("BYTES", "[1]", "[5]"), "element 0: expected a string for BYTES, got 5"),
                json("{\"inputs\":[{\"data\":[1.5],\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT32\"}]}",
                        "expected an integer for INT32, got 1.5"),
                json("{\"inputs\":[{\"data\":[1e39],\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\"}]}",
                        "out of range for FP32"),
                // outputs
                json("{\"inputs\":[" + X + "],\"outputs\":{}}",
                        "request outputs must be an array"),
                json("{\"inputs\":[" + X + "],\"outputs\":[{}]}", "outputs[0] has no name"),
                json("{\"inputs\":[" + X + "],\"outputs\":[\"y\"]}",
                        "outputs[0] must be a JSON object"),
                json("{\"inputs\":[" + X + "],\"outputs\":[{\"name\":\"y\"},{\"name\":\"y\"}]}",
                        "duplicate output name 'y'"),
                json("{\"inputs\":[" + X + "]"
                        + ",\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":1}}]}",
                        "output 'y': parameters.binary_data must be true or false"),
                // the header
                withHeader(input("FP32", "[1]", "[1]"), "abc", "Inference-Header-Content-Length must be a number"),
                withHeader(input("FP32", "[1]", "[1]"), "", "Inference-Header-Content-Length must be a number"),
                withHeader(input("FP32", "[1]", "[1]"), "-1", "Inference-Header-Content-Length is -1"),
                withHeader(input("FP32", "[1]", "[1]"), "100000", "is 100000 but the body has"),
                withHeader(input("FP32", "[1]", "[1]"), "5", "malformed JSON"),
                // binary data
                json(binaryInput("FP32", "[2]", 8), "has no Inference-Header-Content-Length header"),
                framed(binaryInput("FP32", "[2]", 4), new byte[4], "binary_data_size is 4 but shape [2] of FP32 needs 8"),
                framed(binaryInput("FP32", "[2]", 8), new byte[4], "binary_data_size 8 overruns the body"),
                framed(binaryInput("FP32", "[2]", -8), new byte[8], "binary_data_size must be a non-negative integer"),
                framed(binaryInput("FP32", "[2]", 8).replace("8}", "\"8\"}"), new byte[8],
                        "binary_data_size must be a non-negative integer, got 8"),
                framed(binaryInput("FP32", "[2]", 8), new byte[12], "4 bytes of binary data after the JSON object"),
                framed(input("FP32", "[1]", "[1]"), new byte[3], "3 bytes of binary data after the JSON object"),
                framed(binaryInput("FP32", "[1]", 4).replace("}}]", "},\"data\":[1]}]"), new byte[4],
                        "has both data and parameters.binary_data_size"),
                framed(binaryInput("BYTES", "[1]", 6), new byte[] {10, 0, 0, 0, 'a', 'b'}, "BYTES element 0 is truncated"),
                framed(binaryInput("BYTES", "[2]", 5), new byte[] {1, 0, 0, 0, 'a'}, "fewer than 2 elements"),
                framed(binaryInput("BOOL", "[2]", 2), new byte[] {1, 2}, "BOOL element 1 is byte 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void decodeRequest_clientMistake_throwsInvalidInputNamingIt(String label, byte[] body, String header,
            String message) {
        InvalidInput e = assertThrows(InvalidInput.class, () -> codec.decodeRequest(body, header));

        assertTrue(e.getMessage().contains(message), () -> "message was: " + e.getMessage());
    }

    @Test
    void decodeRequest_malformedJson_givesLineAndColumnWithoutParserInternals() {
        byte[] body = "{\"inputs\": [".getBytes(StandardCharsets.UTF_8);

        InvalidInput e = assertThrows(InvalidInput.class, () -> codec.decodeRequest(body, null));

        assertTrue(e.getMessage().startsWith("malformed JSON at line 1, column 13: "), e.getMessage());
        assertFalse(e.getMessage().contains("Source"), e.getMessage());
    }

    @Test
    void decodeRequest_anyTruncationOrCorruption_throwsOnlyInvalidInput() {
        InferenceRequest request = new InferenceRequest("id", List.of(
                SampleTensors.sample("a", DataType.FP32), SampleTensors.sample("b", DataType.BYTES),
                SampleTensors.sample("c", DataType.INT8)), List.of("y"), Map.of("timeout", 1L));
        for (EncodedBody encoded : List.of(codec.encodeJsonRequest(request, BinaryOutputs.all()),
                codec.encodeBinaryRequest(request, BinaryOutputs.none()))) {
            byte[] body = encoded.body();
            String header = encoded.headerLength() == null ? null : encoded.headerLength().toString();
            for (int cut = 0; cut < body.length; cut++) {
                byte[] truncated = java.util.Arrays.copyOf(body, cut);
                String h = header == null ? null : String.valueOf(Math.min(cut, encoded.headerLength()));
                decodeOrInvalid(truncated, h);
            }
            for (int at = 0; at < body.length; at++) {
                for (byte replacement : new byte[] {'"', '[', ']', '{', '}', ',', '1', '-', 'x', 0, (byte) 0xff}) {
                    byte[] corrupt = body.clone();
                    corrupt[at] = replacement;
                    decodeOrInvalid(corrupt, header);
                }
            }
        }
    }

    private void decodeOrInvalid(byte[] body, String header) {
        try {
            codec.decodeRequest(body, header);
        } catch (InvalidInput expected) {
            // the only acceptable failure
        }
    }
}
