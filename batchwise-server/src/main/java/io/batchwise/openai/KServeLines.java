package io.batchwise.openai;

import io.batchwise.http.BinaryOutputs;
import io.batchwise.http.DecodedInfer;
import io.batchwise.http.ErrorMapper;
import io.batchwise.http.InferCodec;
import io.batchwise.jobs.BatchEndpoint;
import io.batchwise.jobs.RowFailure;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Batch lines that call KServe v2 inference, {@code /v2/models/{m}/infer} (or a version's
 * {@code /v2/models/{m}/versions/{v}/infer}): the line's body is a KServe JSON request decoded by
 * the same codec as the live endpoint, and the response body is the KServe JSON response.
 */
public final class KServeLines implements BatchEndpoint {
    private static final Pattern PATH = Pattern.compile("/v2/models/([^/]+)(?:/versions/([^/]+))?/infer");

    private final ModelRegistry registry;
    private final InferCodec codec = new InferCodec();

    public KServeLines(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean serves(String endpoint) {
        return endpoint != null && PATH.matcher(endpoint).matches();
    }

    @Override
    public void check(String endpoint) {
        Matcher m = match(endpoint);
        registry.get(m.group(1), m.group(2));
    }

    private static Matcher match(String endpoint) {
        Matcher m = PATH.matcher(endpoint);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a KServe infer path: " + endpoint);
        }
        return m;
    }

    @Override
    public Call prepare(String url, byte[] body) {
        return prepare(url, body, 0, body.length);
    }

    @Override
    public Call prepare(String url, byte[] bytes, int from, int to) {
        Matcher m = match(url);
        String model = m.group(1);
        String version = m.group(2);
        DecodedInfer decoded = codec.decodeJsonRequest(bytes, from, to);
        InferenceRequest request = decoded.request();
        return new Call() {
            @Override
            public String model() {
                return model;
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public InferenceRequest request() {
                return request;
            }

            @Override
            public String responseBody(InferenceResponse response) {
                return new String(codec.encodeResponse(response, BinaryOutputs.none()).body(), StandardCharsets.UTF_8);
            }
        };
    }

    @Override
    public String errorBody(RowFailure failure) {
        return new String(ErrorMapper.body(failure.message()), StandardCharsets.UTF_8);
    }
}
