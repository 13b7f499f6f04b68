package io.batchwise.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes inference requests and responses, with the framing of the binary tensor data extension
 * when any tensor travels as binary: the JSON object, then each binary tensor's bytes in the order
 * the JSON lists them.
 */
final class MessageWriter {
    private final JsonFactory json;

    MessageWriter(JsonFactory json) {
        this.json = json;
    }

    EncodedBody response(InferenceResponse response, BinaryOutputs binaryOutputs) {
        List<Tensor> binary = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimate(response.outputs()));
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model_name", response.modelName());
            if (response.modelVersion() != null) {
                g.writeStringField("model_version", response.modelVersion());
            }
            if (response.id() != null) {
                g.writeStringField("id", response.id());
            }
            g.writeArrayFieldStart("outputs");
            for (Tensor t : response.outputs()) {
                boolean asBinary = binaryOutputs.isBinary(t.name());
                JsonTensorWriter.write(g, t, asBinary);
                if (asBinary) {
                    binary.add(t);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame(out, binary);
    }

    EncodedBody request(InferenceRequest request, boolean binaryInputs, BinaryOutputs binaryOutputs) {
        List<Tensor> binary = binaryInputs ? request.inputs() : List.of();
        ByteArrayOutputStream out = new ByteArrayOutputStream(binaryInputs ? 512 : estimate(request.inputs()));
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            if (request.id() != null) {
                g.writeStringField("id", request.id());
            }
            writeParameters(g, request.parameters(), binaryOutputs.byDefault());
            g.writeArrayFieldStart("inputs");
            for (Tensor t : request.inputs()) {
                JsonTensorWriter.write(g, t, binaryInputs);
            }
            g.writeEndArray();
            if (!request.outputs().isEmpty()) {
                g.writeArrayFieldStart("outputs");
                for (String name : request.outputs()) {
                    g.writeStartObject();
                    g.writeStringField("name", name);
                    Boolean choice = binaryOutputs.perOutput().get(name);
                    if (choice != null) {
                        g.writeObjectFieldStart("parameters");
                        g.writeBooleanField(RequestReader.BINARY_DATA, choice);
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame(out, binary);
    }

    /** The request's parameters, with binary_data_output replaced by the encoding chosen now. */
    private static void writeParameters(JsonGenerator g, Map<String, Object> parameters, boolean allBinary)
            throws IOException {
        boolean others = parameters.keySet().stream().anyMatch(k -> !k.equals(RequestReader.BINARY_DATA_OUTPUT));
        if (!others && !allBinary) {
            return;
        }
        g.writeObjectFieldStart("parameters");
        for (Map.Entry<String, Object> e : parameters.entrySet()) {
            if (!e.getKey().equals(RequestReader.BINARY_DATA_OUTPUT)) {
                g.writeFieldName(e.getKey());
                JsonValues.write(g, e.getValue());
            }
        }
        if (allBinary) {
            g.writeBooleanField(RequestReader.BINARY_DATA_OUTPUT, true);
        }
        g.writeEndObject();
    }

    private static EncodedBody frame(ByteArrayOutputStream jsonOut, List<Tensor> binary) {
        if (binary.isEmpty()) {
            return new EncodedBody(jsonOut.toByteArray(), null, EncodedBody.JSON);
        }
        int jsonLength = jsonOut.size();
        long total = jsonLength;
        for (Tensor t : binary) {
            total += t.byteSize();
        }
        // One exact allocation and one copy per tensor: these bodies are the large ones.
        byte[] body = new byte[Math.toIntExact(total)];
        System.arraycopy(jsonOut.toByteArray(), 0, body, 0, jsonLength);
        int at = jsonLength;
        for (Tensor t : binary) {
            int n = t.byteSize();
            t.data().get(body, at, n);
            at += n;
        }
        return new EncodedBody(body, jsonLength, EncodedBody.OCTET_STREAM);
    }

    /** A starting buffer size for JSON data: about 12 characters per element. */
    private static int estimate(List<Tensor> tensors) {
        long bytes = 512;
        for (Tensor t : tensors) {
            bytes += t.type().fixedSize() ? t.elementCount() * 12 : t.byteSize() * 2L;
        }
        return (int) Math.min(bytes, 64 << 20);
    }
}
