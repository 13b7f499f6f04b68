package io.batchwise.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads one tensor object, a {@code $request_input} or a {@code $response_output}:
 * {@code {name, shape, datatype, parameters, data}}, its data either inline or as the next slice
 * of the binary section ({@code parameters.binary_data_size}).
 *
 * <p>JSON objects are unordered, so {@code data} may come before {@code shape} or
 * {@code datatype}. The usual order streams the data straight into bytes; otherwise the data's
 * tokens are buffered (Jackson's {@code TokenBuffer}) and replayed once the fields are known.
 * Tensor parameters other than {@code binary_data_size} have no place in a {@link Tensor} and are
 * ignored. Numeric data arrays may have been read ahead from the raw bytes
 * ({@link NumericDataPrescan}); the reader then finds a placeholder and takes the elements from
 * there, after resolving the datatype and shape exactly as for data it reads itself.
 */
final class JsonTensorReader {
    private static final String BINARY_DATA_SIZE = "binary_data_size";

    private final String role;
    private final int index;
    private final BinarySection binary;
    private final NumericDataPrescan prescan;
    private String name;
    private long[] shape;
    private String rawType;
    private DataType type;
    private long elementCount;
    private Map<String, Object> parameters = Map.of();
    private ByteBuffer data;
    private TokenBuffer pending;
    private NumericDataPrescan.DataArray readAhead;

    private JsonTensorReader(String role, int index, BinarySection binary, NumericDataPrescan prescan) {
        this.role = role;
        this.index = index;
        this.binary = binary;
        this.prescan = prescan;
    }

    /**
     * Reads the tensor object the parser is at.
     *
     * @param role "input" or "output", for messages
     * @param index position in the enclosing array, for messages about nameless tensors
     * @param prescan data arrays already read from the body the parser reads
     */
    static Tensor read(JsonParser p, String role, int index, BinarySection binary, NumericDataPrescan prescan)
            throws IOException {
        return new JsonTensorReader(role, index, binary, prescan).read(p);
    }

    private Tensor read(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new InvalidInput(role + "s[" + index + "] must be a JSON object, got " + JsonValues.describe(p));
        }
        boolean sawData = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "name":
                    name = t == JsonToken.VALUE_NULL ? null : string(p, "name");
                    break;
                case "shape":
                    shape = t == JsonToken.VALUE_NULL ? null : shape(p);
                    break;
                case "datatype":
                    rawType = t == JsonToken.VALUE_NULL ? null : string(p, "datatype");
                    break;
                case "parameters":
                    parameters = JsonValues.readObject(p, label() + ": parameters");
                    break;
                case "data":
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    sawData = true;
                    if (t == JsonToken.START_ARRAY && (readAhead = prescan.take(p)) != null) {
                        break;
                    }
                    if (name != null && shape != null && rawType != null) {
                        resolve();
                        data = JsonTensorData.read(p, label(), type, shape, jsonElementCount());
                    } else {
                        pending = TokenBuffer.asCopyOfValue(p);
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        resolve();
        Object size = parameters.get(BINARY_DATA_SIZE);
        if (size != null) {
            if (sawData) {
                throw new InvalidInput(label() + " has both data and parameters.binary_data_size; give one");
            }
            ByteBuffer bytes = binary.take(label(), binarySize(size));
            if (type == DataType.BOOL) {
                checkBooleans(bytes);
            }
            return Tensor.of(name, type, shape, bytes);
        }
        if (readAhead != null) {
            jsonElementCount();
            data = readAhead.data(type, shape);
        }
        if (pending != null) {
            try (JsonParser replay = pending.asParser()) {
                replay.nextToken();
                data = JsonTensorData.read(replay, label(), type, shape, jsonElementCount());
            }
        }
        if (data == null) {
            throw new InvalidInput(label() + " has no data (neither 'data' nor parameters.binary_data_size)");
        }
        return Tensor.of(name, type, shape, data);
    }

    /** Checks name, shape and datatype once all are known (or the object has ended). */
    private void resolve() {
        if (type != null) {
            return;
        }
        if (name == null) {
            throw new InvalidInput(label() + " has no name");
        }
        if (shape == null) {
            throw new InvalidInput(label() + " has no shape");
        }
        if (rawType == null) {
            throw new InvalidInput(label() + " has no datatype");
        }
        try {
            elementCount = Tensor.elementCount(shape);
        } catch (ArithmeticException e) {
            throw new InvalidInput(label() + ": shape " + Arrays.toString(shape) + " has too many elements");
        }
        try {
            type = DataType.parse(rawType);
        } catch (InvalidInput e) {
            throw new InvalidInput(label() + ": " + e.getMessage());
        }
    }

    /** The element count, checked against what JSON data of this body's size could hold. */
    private int jsonElementCount() {
        // No JSON value is shorter than one byte, so a count beyond the JSON's length cannot match
        // its data; checking before reading keeps a forged shape from allocating gigabytes.
        if (elementCount > binary.jsonLength()) {
            throw new InvalidInput(label() + ": shape " + Arrays.toString(shape) + " needs " + elementCount
                    + " elements, more than a " + binary.jsonLength() + "-byte JSON body can hold");
        }
        return (int) elementCount;
    }

    private void checkBooleans(ByteBuffer bytes) {
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (b != 0 && b != 1) {
                throw new InvalidInput(label() + ": BOOL element " + (i - bytes.position()) + " is byte " + b
                        + "; binary BOOL elements must be 0 or 1");
            }
        }
    }

    private long binarySize(Object size) {
        if (!(size instanceof Long) || (Long) size < 0) {
            throw new InvalidInput(label() + ": parameters.binary_data_size must be a non-negative integer, got " + size);
        }
        long bytes = (Long) size;
        if (type.fixedSize()) {
            long needed;
            try {
                needed = Math.multiplyExact(elementCount, type.byteSize());
            } catch (ArithmeticException e) {
                throw new InvalidInput(label() + ": shape " + Arrays.toString(shape) + " has too many elements");
            }
            if (bytes != needed) {
                throw new InvalidInput(label() + ": binary_data_size is " + bytes + " but shape "
                        + Arrays.toString(shape) + " of " + type + " needs " + needed + " bytes");
            }
        }
        return bytes;
    }

    private String label() {
        return name != null ? role + " '" + name + "'" : role + "s[" + index + "]";
    }

    private String string(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new InvalidInput(label() + ": " + field + " must be a string, got " + JsonValues.describe(p));
        }
        return p.getText();
    }

    private long[] shape(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw badShape(p);
        }
        long[] dims = new long[4];
        int rank = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw badShape(p);
            }
            if (rank == dims.length) {
                dims = Arrays.copyOf(dims, rank * 2);
            }
            dims[rank++] = p.getLongValue();
        }
        return Arrays.copyOf(dims, rank);
    }

    private InvalidInput badShape(JsonParser p) throws IOException {
        return new InvalidInput(label() + ": shape must be an array of non-negative integers, got "
                + JsonValues.describe(p));
    }
}
