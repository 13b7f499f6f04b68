package io.batchwise.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code $inference_response} object, for clients of a v2 server (the CLI, the benchmark,
 * tests). A server's {@code {"error": ...}} body is reported with its message.
 */
final class ResponseReader {
    private ResponseReader() {
    }

    /** Reads the whole response from a parser that has not started yet. */
    static InferenceResponse read(JsonParser p, BinarySection binary) throws IOException {
        MessageStart.expectObject(p, "response");
        String id = null;
        String modelName = null;
        String modelVersion = null;
        String error = null;
        List<Tensor> outputs = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "id":
                    id = MessageStart.optionalString(p, "response id");
                    break;
                case "model_name":
                    modelName = MessageStart.optionalString(p, "response model_name");
                    break;
                case "model_version":
                    modelVersion = MessageStart.optionalString(p, "response model_version");
                    break;
                case "error":
                    error = MessageStart.optionalString(p, "response error");
                    break;
                case "outputs":
                    if (t != JsonToken.VALUE_NULL) {
                        outputs = readOutputs(p, binary);
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        MessageStart.expectEnd(p);
        if (outputs == null) {
            throw new InvalidInput(error != null ? "server error: " + error : "response has no outputs");
        }
        binary.checkAllTaken();
        return new InferenceResponse(id, modelName, modelVersion, outputs);
    }

    private static List<Tensor> readOutputs(JsonParser p, BinarySection binary) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidInput("response outputs must be an array, got " + JsonValues.describe(p));
        }
        List<Tensor> outputs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Tensor t = JsonTensorReader.read(p, "output", outputs.size(), binary, NumericDataPrescan.NONE);
            if (!names.add(t.name())) {
                throw new InvalidInput("duplicate output name '" + t.name() + "'");
            }
            outputs.add(t);
        }
        return outputs;
    }
}
