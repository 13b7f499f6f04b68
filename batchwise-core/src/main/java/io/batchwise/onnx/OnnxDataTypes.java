package io.batchwise.onnx;

import io.batchwise.tensor.DataType;

/** Maps batchwise datatypes to onnx.proto's {@code TensorProto.DataType} numbers. */
final class OnnxDataTypes {
    private OnnxDataTypes() {
    }

    static int code(DataType type) {
        return switch (type) {
            case FP32 -> 1;
            case UINT8 -> 2;
            case INT8 -> 3;
            case INT16 -> 5;
            case INT32 -> 6;
            case INT64 -> 7;
            case BYTES -> 8; // ONNX STRING: the elements are byte strings in both
            case BOOL -> 9;
            case FP16 -> 10;
            case FP64 -> 11;
        };
    }
}
