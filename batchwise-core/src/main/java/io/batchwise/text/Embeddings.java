package io.batchwise.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.ModelSignature;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's embeddings request and response ({@code POST /v1/embeddings}) over a model whose
 * config declares a tokenizer: the texts become token-id rows of the model's single INT64
 * input, and its first FP32 output's rows become the embeddings. Used by the HTTP endpoint and
 * by batch job lines alike.
 */
public final class Embeddings {
    /** Most texts in one request, as OpenAI allows. */
    public static final int MAX_INPUTS = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelRegistry registry;

    public Embeddings(ModelRegistry registry) {
        this.registry = registry;
    }

    /**
     * A decoded request ready for the scheduler.
     *
     * @param promptTokens words counted by the tokenizer (OpenAI's usage)
     * @param base64       whether embeddings are returned as base64 little-endian float32
     */
    public record Prepared(String model, InferenceRequest request, String output, int promptTokens, boolean base64) {
    }

    /**
     * Decodes a request body {@code {model, input, encoding_format?, dimensions?, user?}}.
     *
     * @throws InvalidInput naming what is wrong
     * @throws io.batchwise.runtime.ModelNotFound when the model is unknown
     */
    public Prepared prepare(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInput("the embeddings request must be a JSON object with 'model' and 'input'");
        }
        JsonNode modelNode = body.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isEmpty()) {
            throw new InvalidInput("'model' is required and must be a model name");
        }
        String model = modelNode.asText();
        LoadedModel m = registry.get(model);
        if (m.config() == null || m.config().tokenizer() == null) {
            throw new InvalidInput("model '" + model + "' does not take text: its config declares no tokenizer"
                    + " (embeddings need a model with 'tokenizer: hashing')");
        }
        if (m.signature() == null) {
            throw new ModelNotReady("model '" + model + "' is not ready (" + m.state().name().toLowerCase() + ")");
        }
        Shape shape = shape(model, m.signature());
        boolean base64 = encoding(body.get("encoding_format"));
        JsonNode dims = body.get("dimensions");
        if (dims != null && !dims.isNull() && (!dims.canConvertToInt() || dims.asInt() != shape.dimensions)) {
            throw new InvalidInput("model '" + model + "' makes embeddings of " + shape.dimensions
                    + " dimensions; 'dimensions' must be omitted or " + shape.dimensions + " (got " + dims + ")");
        }
        List<long[]> rows = new ArrayList<>();
        int tokens = tokenize(body.get("input"), new HashingTokenizer(HashingTokenizer.DEFAULT_VOCABULARY,
                shape.length), rows);
        long[] ids = new long[rows.size() * shape.length];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, ids, i * shape.length, shape.length);
        }
        Tensor t = Tensor.ofLongs(shape.input, new long[] {rows.size(), shape.length}, ids);
        InferenceRequest request = new InferenceRequest(null, List.of(t), List.of(shape.output), Map.of());
        return new Prepared(model, request, shape.output, tokens, base64);
    }

    private record Shape(String input, int length, String output, int dimensions) {
    }

    private static Shape shape(String model, ModelSignature sig) {
        if (sig.inputs().size() != 1 || sig.inputs().get(0).type() != DataType.INT64
                || sig.inputs().get(0).shape().length != 2 || sig.inputs().get(0).shape()[1] <= 0) {
            throw new InvalidInput("model '" + model + "' cannot serve embeddings: it needs one INT64 input of shape"
                    + " [-1, length] (it has " + sig.inputs() + ")");
        }
        TensorSpec out = sig.outputs().isEmpty() ? null : sig.outputs().get(0);
        if (out == null || out.type() != DataType.FP32 || out.shape().length != 2 || out.shape()[1] <= 0) {
            throw new InvalidInput("model '" + model + "' cannot serve embeddings: its first output must be FP32 of"
                    + " shape [-1, dimensions] (it has " + sig.outputs() + ")");
        }
        TensorSpec in = sig.inputs().get(0);
        return new Shape(in.name(), (int) in.shape()[1], out.name(), (int) out.shape()[1]);
    }

    private static boolean encoding(JsonNode format) {
        if (format == null || format.isNull()) {
            return false;
        }
        return switch (format.asText()) {
            case "float" -> false;
            case "base64" -> true;
            default -> throw new InvalidInput("'encoding_format' must be float or base64 (got " + format + ")");
        };
    }

    /** Adds one id row per text (or token array) and returns the number of real tokens. */
    private static int tokenize(JsonNode input, HashingTokenizer tokenizer, List<long[]> rows) {
        if (input == null || input.isNull()) {
            throw new InvalidInput("'input' is required: a string, an array of strings, or token arrays");
        }
        if (input.isTextual()) {
            return addText(input.asText(), 0, tokenizer, rows);
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidInput("'input' must be a non-empty string, an array of strings, or token arrays");
        }
        if (input.size() > MAX_INPUTS) {
            throw new InvalidInput("'input' holds " + input.size() + " items; at most " + MAX_INPUTS + " are allowed");
        }
        if (input.get(0).isIntegralNumber()) {
            return addIds(input, 0, tokenizer, rows);
        }
        int tokens = 0;
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isTextual()) {
                tokens += addText(item.asText(), i, tokenizer, rows);
            } else if (item.isArray() && !item.isEmpty()) {
                tokens += addIds(item, i, tokenizer, rows);
            } else {
                throw new InvalidInput("'input[" + i + "]' must be a non-empty string or token array (got "
                        + item.getNodeType().name().toLowerCase() + ")");
            }
        }
        return tokens;
    }

    private static int addText(String text, int index, HashingTokenizer tokenizer, List<long[]> rows) {
        if (text.isEmpty()) {
            throw new InvalidInput("'input[" + index + "]' is an empty string");
        }
        HashingTokenizer.Tokens tokens = tokenizer.encode(text);
        rows.add(tokens.ids());
        return tokens.count();
    }

    private static int addIds(JsonNode ids, int index, HashingTokenizer tokenizer, List<long[]> rows) {
        if (ids.size() > tokenizer.length()) {
            throw new InvalidInput("'input[" + index + "]' has " + ids.size() + " tokens; the model takes at most "
                    + tokenizer.length());
        }
        long[] row = new long[tokenizer.length()];
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() >= tokenizer.vocabulary()) {
                throw new InvalidInput("'input[" + index + "]' token " + i + " must be an integer id in 0.."
                        + (tokenizer.vocabulary() - 1) + " (got " + id + ")");
            }
            row[i] = id.asLong();
        }
        rows.add(row);
        return ids.size();
    }

    /** The OpenAI response body {@code {object: list, data: [...], model, usage}} as compact JSON. */
    public String response(Prepared prepared, InferenceResponse response) {
        Tensor out = response.outputs().stream().filter(t -> t.name().equals(prepared.output())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the model returned no '" + prepared.output() + "'"));
        long[] shape = out.shape();
        int rows = (int) shape[0];
        int dims = (int) shape[1];
        ByteBuffer data = out.data().order(ByteOrder.LITTLE_ENDIAN);
        StringWriter w = new StringWriter(rows * dims * 12 + 128);
        try (JsonGenerator g = JSON.getFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int r = 0; r < rows; r++) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", r);
                g.writeFieldName("embedding");
                if (prepared.base64()) {
                    byte[] bytes = new byte[dims * 4];
                    data.position(r * dims * 4);
                    data.get(bytes);
                    g.writeString(Base64.getEncoder().encodeToString(bytes));
                } else {
                    g.writeStartArray();
                    for (int d = 0; d < dims; d++) {
                        g.writeNumber(data.getFloat((r * dims + d) * 4));
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", prepared.model());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", prepared.promptTokens());
            g.writeNumberField("total_tokens", prepared.promptTokens());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
