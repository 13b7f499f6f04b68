package io.batchwise.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelSignatureTest {
    /** Two inputs (one with a fixed row count is not allowed: dimension 0 is rows), one output. */
    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(new TensorSpec("features", DataType.FP32, new long[] {-1, 4}),
                    new TensorSpec("mask", DataType.BOOL, new long[] {-1, -1})),
            List.of(new TensorSpec("score", DataType.FP32, new long[] {-1, 1}),
                    new TensorSpec("debug", DataType.FP32, new long[] {-1, 4})));

    @Test
    void validate_goodRequest_returnsRowCount() {
        assertEquals(3, SIGNATURE.validate(request(List.of(features(3, 4), mask(3, 7)), List.of("score"))));
        assertEquals(2, SIGNATURE.validate(request(List.of(mask(2, 1), features(2, 4)), List.of())));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("unknown input", request(List.of(features(1, 4), mask(1, 1), tensor("extra", DataType.FP32, 1, 4)),
                        List.of()), List.of("unknown input 'extra'", "features", "mask")),
                Arguments.of("missing input", request(List.of(features(1, 4)), List.of()),
                        List.of("missing input 'mask'", "BOOL")),
                Arguments.of("input twice", request(List.of(features(1, 4), features(1, 4), mask(1, 1)), List.of()),
                        List.of("'features' given twice")),
                Arguments.of("wrong datatype", request(List.of(tensor("features", DataType.FP64, 1, 4), mask(1, 1)),
                        List.of()), List.of("'features'", "FP64", "FP32")),
                Arguments.of("wrong rank", request(List.of(tensor("features", DataType.FP32, 4), mask(4, 1)), List.of()),
                        List.of("'features'", "[4]", "[-1, 4]")),
                Arguments.of("too many dims", request(List.of(tensor("features", DataType.FP32, 1, 4, 1), mask(1, 1)),
                        List.of()), List.of("'features'", "[1, 4, 1]")),
                Arguments.of("wrong fixed dim", request(List.of(features(2, 5), mask(2, 1)), List.of()),
                        List.of("'features'", "[2, 5]", "[-1, 4]")),
                Arguments.of("rows disagree", request(List.of(features(2, 4), mask(3, 1)), List.of()),
                        List.of("rows", "3", "2")),
                Arguments.of("zero rows", request(List.of(features(0, 4), mask(0, 1)), List.of()),
                        List.of("no rows")),
                Arguments.of("unknown output", request(List.of(features(1, 4), mask(1, 1)), List.of("score", "prob")),
                        List.of("unknown output 'prob'", "score", "debug")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void validate_badRequest_throwsInvalidInputSayingWhat(String what, InferenceRequest request, List<String> mentions) {
        InvalidInput e = assertThrows(InvalidInput.class, () -> SIGNATURE.validate(request));
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), () -> "'" + m + "' not in: " + e.getMessage());
        }
    }

    @Test
    void accepts_dynamicDimensions_matchAnySize() {
        TensorSpec spec = new TensorSpec("x", DataType.FP32, new long[] {-1, 3, -1});
        assertTrue(spec.accepts(new long[] {7, 3, 100}));
        assertTrue(!spec.accepts(new long[] {7, 4, 100}));
        assertTrue(!spec.accepts(new long[] {7, 3}));
    }

    private static InferenceRequest request(List<Tensor> inputs, List<String> outputs) {
        return new InferenceRequest("id", inputs, outputs, null);
    }

    private static Tensor features(long rows, long width) {
        return tensor("features", DataType.FP32, rows, width);
    }

    private static Tensor mask(long rows, long width) {
        return tensor("mask", DataType.BOOL, rows, width);
    }

    private static Tensor tensor(String name, DataType type, long... shape) {
        int bytes = Math.toIntExact(Tensor.elementCount(shape) * type.byteSize());
        return Tensor.of(name, type, shape, ByteBuffer.allocate(bytes));
    }
}
