package io.batchwise.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A minimal line API over the demo {@code tiny} model for engine tests: body {@code {"x": [16
 * floats]}} → {@code {"y": [4 floats]}}. A body with {@code "reject": true} fails while being
 * decoded; an {@code x} of the wrong length fails in the scheduler (the model's signature).
 */
final class TinyEndpoint implements BatchEndpoint {
    static final String PATH = "/v2/models/tiny/infer";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean serves(String endpoint) {
        return PATH.equals(endpoint);
    }

    @Override
    public void check(String endpoint) {
    }

    @Override
    public Call prepare(String url, byte[] text) {
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new InvalidInput(e.getMessage());
        }
        if (body.path("reject").asBoolean()) {
            throw new InvalidInput("this line asked to be rejected");
        }
        JsonNode x = body.get("x");
        float[] values = new float[x.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) x.get(i).asDouble();
        }
        InferenceRequest request = new InferenceRequest(null,
                List.of(Tensor.ofFloats("input", new long[] {1, values.length}, values)), List.of(), Map.of());
        return new Call() {
            @Override
            public String model() {
                return "tiny";
            }

            @Override
            public InferenceRequest request() {
                return request;
            }

            @Override
            public String responseBody(InferenceResponse response) {
                ObjectNode out = JSON.createObjectNode();
                ArrayNode y = out.putArray("y");
                for (double v : response.outputs().get(0).toDoubles()) {
                    y.add((float) v);
                }
                return out.toString();
            }
        };
    }

    @Override
    public String errorBody(RowFailure failure) {
        return JSON.createObjectNode().put("error", failure.message()).toString();
    }

    /** A well-formed line whose input depends on {@code i}. */
    static String line(int i) {
        StringBuilder b = new StringBuilder("{\"custom_id\":\"row-").append(i)
                .append("\",\"method\":\"POST\",\"url\":\"").append(PATH).append("\",\"body\":{\"x\":[");
        for (int j = 0; j < 16; j++) {
            b.append(j == 0 ? "" : ",").append(((i * 31 + j * 7) % 97) / 97.0f - 0.5f);
        }
        return b.append("]}}\n").toString();
    }
}
