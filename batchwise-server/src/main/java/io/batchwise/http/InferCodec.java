package io.batchwise.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.tensor.InvalidInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The KServe v2 / Open Inference Protocol REST codec for {@code POST /v2/models/{m}/infer}:
 * JSON tensors and the binary tensor data extension, in both directions.
 *
 * <p>Server side: {@link #decodeRequest} and {@link #encodeResponse}. Client side (the CLI's
 * {@code infer}, the benchmark, tests): {@link #encodeJsonRequest}, {@link #encodeBinaryRequest}
 * and {@link #decodeResponse}.
 *
 * <p>Wire rules, after the protocol and its binary extension:
 * <ul>
 *   <li>With an {@code Inference-Header-Content-Length: N} header the first N bytes are the JSON
 *       object and the rest are the bytes of the tensors that declare
 *       {@code parameters.binary_data_size}, in the order the JSON lists them. Without the header
 *       the whole body is JSON.
 *   <li>Binary data is little-endian and row-major; BOOL is one byte 0 or 1; BYTES elements are a
 *       4-byte little-endian length followed by the bytes.
 *   <li>JSON {@code data} may be flat or nested to the shape. FP16/FP32/FP64 accept NaN and the
 *       infinities as the strings "NaN", "Infinity", "-Infinity" or as bare words, and are
 *       written as those strings, so bodies stay valid JSON. BYTES are UTF-8 strings.
 *   <li>Outputs are binary when the request's {@code parameters.binary_data_output} is true,
 *       unless an output's own {@code parameters.binary_data} says otherwise.
 * </ul>
 *
 * <p>Inputs whose data is JSON numbers are read by a fast path over the raw bytes
 * ({@link NumericDataPrescan}), which decodes to the same tensors, and leaves every error to the
 * token-by-token reader so messages are the same either way.
 *
 * <p>Decoded tensors may be views of the body array, so callers must not change it afterwards.
 * Every client mistake raises {@link InvalidInput} with a message naming the field at fault.
 * Instances are immutable and thread-safe.
 */
public final class InferCodec {
    private final JsonFactory json;
    private final MessageWriter writer;
    private final int prescanFrom;

    public InferCodec() {
        this(NumericDataPrescan.WORTHWHILE_BYTES);
    }

    /**
     * @param prescanFrom the JSON length from which request bodies take the numeric fast path
     *     ({@link NumericDataPrescan}); tests pass 0 (always) or {@code Integer.MAX_VALUE} (never)
     *     to compare it with the token-by-token reader
     */
    InferCodec(int prescanFrom) {
        this.prescanFrom = prescanFrom;
        json = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .build();
        writer = new MessageWriter(json);
    }

    /**
     * Decodes an inference request body.
     *
     * @param body the whole HTTP body
     * @param headerLength the {@code Inference-Header-Content-Length} header, or null if absent
     * @throws InvalidInput when the body or header is malformed or disagrees with itself
     */
    public DecodedInfer decodeRequest(byte[] body, String headerLength) {
        BinarySection binary = BinarySection.of(body, headerLength);
        DecodedInfer read = readAhead(body, 0, binary.jsonLength(), binary);
        if (read != null) {
            return read;
        }
        // Errors are reported from the original body, exactly as without the fast path (and with
        // a fresh binary section: the attempt may have taken bytes from the first).
        binary = BinarySection.of(body, headerLength);
        try (JsonParser p = json.createParser(body, 0, binary.jsonLength())) {
            return RequestReader.read(p, binary, NumericDataPrescan.NONE);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #decodeRequest} for a JSON body (no binary section) that is {@code bytes[from, to)}
     * of a larger array, such as a line of a batch file, without copying it out first: the fast
     * path reads it where it is. A body the fast path declines is copied and decoded as usual, so
     * the result, or the error, is the same as {@code decodeRequest} gives for the copy.
     */
    public DecodedInfer decodeJsonRequest(byte[] bytes, int from, int to) {
        DecodedInfer read = readAhead(bytes, from, to, null);
        return read != null ? read : decodeRequest(Arrays.copyOfRange(bytes, from, to), null);
    }

    /**
     * The fast path ({@link NumericDataPrescan}) over the JSON in {@code b[from, to)}: the
     * request, or null when it declines the body or anything about it is unexpected (the caller
     * then decodes it the usual way, which reports any error).
     *
     * @param binary the body's binary section, or null for a JSON-only body
     */
    DecodedInfer readAhead(byte[] b, int from, int to, BinarySection binary) {
        NumericDataPrescan fast = to - from >= prescanFrom ? NumericDataPrescan.scan(b, from, to) : null;
        if (fast == null) {
            return null;
        }
        byte[] copy = fast.json();
        try (JsonParser p = json.createParser(copy, 0, copy.length)) {
            BinarySection section = binary != null ? binary : BinarySection.jsonOnly(to - from);
            DecodedInfer decoded = RequestReader.read(p, section, fast);
            fast.checkAllTaken();
            return decoded;
        } catch (InvalidInput | JsonProcessingException | NumericDataPrescan.Mismatch e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes a response; when any output is binary, the body is framed by the binary extension
     * and {@link EncodedBody#headerLength()} is set.
     */
    public EncodedBody encodeResponse(InferenceResponse response, BinaryOutputs binaryOutputs) {
        return writer.response(response, binaryOutputs);
    }

    /**
     * Encodes a request with its input data as JSON.
     *
     * @param binaryOutputs the output encoding to ask for; choices for outputs the request does
     *     not name cannot be expressed and are left out
     */
    public EncodedBody encodeJsonRequest(InferenceRequest request, BinaryOutputs binaryOutputs) {
        return writer.request(request, false, binaryOutputs);
    }

    /**
     * Encodes a request with every input as binary data after the JSON object.
     *
     * @param binaryOutputs as for {@link #encodeJsonRequest}
     */
    public EncodedBody encodeBinaryRequest(InferenceRequest request, BinaryOutputs binaryOutputs) {
        return writer.request(request, true, binaryOutputs);
    }

    /**
     * Decodes a response body, JSON or binary-framed.
     *
     * @param headerLength the response's {@code Inference-Header-Content-Length}, or null
     * @throws InvalidInput when the body is not a valid inference response; for a server's
     *     {@code {"error": ...}} body the message carries the server's
     */
    public InferenceResponse decodeResponse(byte[] body, String headerLength) {
        BinarySection binary = BinarySection.of(body, headerLength);
        try (JsonParser p = json.createParser(body, 0, binary.jsonLength())) {
            return ResponseReader.read(p, binary);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InvalidInput malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        // Jackson names the (redacted) source inside nested locations; clients only need line and column.
        String message = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
        return new InvalidInput("malformed JSON" + where + ": " + message);
    }
}
