package io.batchwise.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.text.Embeddings;

/** Batch lines that call {@code /v1/embeddings} with OpenAI's request and response bodies. */
public final class EmbeddingsEndpoint implements BatchEndpoint {
    public static final String PATH = "/v1/embeddings";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Embeddings embeddings;

    public EmbeddingsEndpoint(Embeddings embeddings) {
        this.embeddings = embeddings;
    }

    @Override
    public boolean serves(String endpoint) {
        return PATH.equals(endpoint);
    }

    @Override
    public void check(String endpoint) {
        // The model is named per line; a line naming an unknown model fails on its own.
    }

    @Override
    public Call prepare(String url, byte[] body) {
        Embeddings.Prepared p;
        try {
            p = embeddings.prepare(JSON.readTree(body));
        } catch (java.io.IOException e) {
            throw new InvalidInput("the body is not valid JSON: " + e.getMessage());
        }
        return new Call() {
            @Override
            public String model() {
                return p.model();
            }

            @Override
            public InferenceRequest request() {
                return p.request();
            }

            @Override
            public String responseBody(InferenceResponse response) {
                return embeddings.response(p, response);
            }
        };
    }

    @Override
    public String errorBody(RowFailure failure) {
        return openAiError(failure);
    }

    /** OpenAI's error body {@code {"error": {"message", "type", "param", "code"}}}. */
    public static String openAiError(RowFailure failure) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", failure.message()).put("type", failure.type())
                .putNull("param").putNull("code");
        return body.toString();
    }
}
