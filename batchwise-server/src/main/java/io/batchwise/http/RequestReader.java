package io.batchwise.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code $inference_request} object: {@code id}, {@code parameters}, {@code inputs} and
 * {@code outputs}. Fields the protocol allows but batchwise does not use (such as
 * {@code model_name}) are skipped.
 */
final class RequestReader {
    static final String BINARY_DATA_OUTPUT = "binary_data_output";
    static final String BINARY_DATA = "binary_data";

    private String id;
    private Map<String, Object> parameters = Map.of();
    private List<Tensor> inputs;
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, Boolean> binaryChoices = new LinkedHashMap<>();

    private RequestReader() {
    }

    /**
     * Reads the whole request from a parser that has not started yet.
     *
     * @param prescan the data arrays already read from the body the parser reads
     */
    static DecodedInfer read(JsonParser p, BinarySection binary, NumericDataPrescan prescan) throws IOException {
        return new RequestReader().readRequest(p, binary, prescan);
    }

    private DecodedInfer readRequest(JsonParser p, BinarySection binary, NumericDataPrescan prescan)
            throws IOException {
        MessageStart.expectObject(p, "request");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "id":
                    id = MessageStart.optionalString(p, "request id");
                    break;
                case "parameters":
                    parameters = JsonValues.readObject(p, "request parameters");
                    break;
                case "inputs":
                    if (t != JsonToken.VALUE_NULL) {
                        inputs = readInputs(p, binary, prescan);
                    }
                    break;
                case "outputs":
                    if (t != JsonToken.VALUE_NULL) {
                        readOutputs(p);
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        MessageStart.expectEnd(p);
        if (inputs == null) {
            throw new InvalidInput("request has no inputs");
        }
        binary.checkAllTaken();
        Object all = parameters.getOrDefault(BINARY_DATA_OUTPUT, Boolean.FALSE);
        if (!(all instanceof Boolean)) {
            throw new InvalidInput("request parameters." + BINARY_DATA_OUTPUT + " must be true or false, got " + all);
        }
        InferenceRequest request = new InferenceRequest(id, inputs, outputs, parameters);
        return new DecodedInfer(request, new BinaryOutputs((Boolean) all, binaryChoices));
    }

    private static List<Tensor> readInputs(JsonParser p, BinarySection binary, NumericDataPrescan prescan)
            throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidInput("request inputs must be an array, got " + JsonValues.describe(p));
        }
        List<Tensor> inputs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Tensor t = JsonTensorReader.read(p, "input", inputs.size(), binary, prescan);
            if (!names.add(t.name())) {
                throw new InvalidInput("duplicate input name '" + t.name() + "'");
            }
            inputs.add(t);
        }
        if (inputs.isEmpty()) {
            throw new InvalidInput("request inputs are empty; a model needs at least one input");
        }
        return inputs;
    }

    private void readOutputs(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidInput("request outputs must be an array, got " + JsonValues.describe(p));
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String label = "outputs[" + outputs.size() + "]";
            Object value = JsonValues.read(p);
            if (!(value instanceof Map<?, ?> output)) {
                throw new InvalidInput(label + " must be a JSON object, got " + value);
            }
            if (!(output.get("name") instanceof String name)) {
                throw new InvalidInput(label + " has no name");
            }
            if (outputs.contains(name)) {
                throw new InvalidInput("duplicate output name '" + name + "'");
            }
            outputs.add(name);
            Object params = output.get("parameters");
            if (params == null) {
                continue;
            }
            if (!(params instanceof Map<?, ?> map)) {
                throw new InvalidInput("output '" + name + "': parameters must be a JSON object, got " + params);
            }
            Object choice = map.get(BINARY_DATA);
            if (choice != null && !(choice instanceof Boolean)) {
                throw new InvalidInput("output '" + name + "': parameters." + BINARY_DATA
                        + " must be true or false, got " + choice);
            }
            if (choice != null) {
                binaryChoices.put(name, (Boolean) choice);
            }
        }
    }
}
