package io.batchwise.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.batchwise.tensor.InvalidInput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Free-form protocol {@code parameters} as plain Java values: String, Long (BigInteger beyond
 * its range), Double, Boolean, Map and List, all unmodifiable.
 *
 * <p>JSON nulls are dropped, from objects and arrays alike: the core records copy maps with
 * {@code Map.copyOf}, which rejects nulls, and "absent" is what a null parameter means.
 */
final class JsonValues {
    private JsonValues() {
    }

    /**
     * Reads a JSON object (or null, giving an empty map); the parser is at its first token.
     *
     * @throws InvalidInput when the value is not an object; {@code what} names it in the message
     */
    static Map<String, Object> readObject(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidInput(what + " must be a JSON object, got " + describe(p));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) read(p);
        return map;
    }

    /** Reads any JSON value, the parser at its first token; null for JSON null. */
    static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    Object value = read(p);
                    if (value != null) {
                        map.put(key, value);
                    }
                }
                return Collections.unmodifiableMap(map);
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    Object value = read(p);
                    if (value != null) {
                        list.add(value);
                    }
                }
                return Collections.unmodifiableList(list);
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT: {
                Number n = p.getNumberValue();
                return n instanceof BigInteger ? n : Long.valueOf(n.longValue());
            }
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new InvalidInput("unexpected JSON token " + t);
        }
    }

    /**
     * Writes a plain Java value as JSON; non-finite doubles become the strings "NaN", "Infinity"
     * and "-Infinity" so the document stays valid JSON.
     *
     * @throws IllegalArgumentException for a value of any other type
     */
    static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (value instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (value instanceof Double || value instanceof Float) {
            writeDouble(g, ((Number) value).doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as a JSON parameter");
        }
    }

    /** A double as a JSON number, or as a string for NaN and the infinities (JSON has no such numbers). */
    static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(nonFiniteName(d));
        }
    }

    /** A float as a JSON number, or as a string for NaN and the infinities. */
    static void writeFloat(JsonGenerator g, float f) throws IOException {
        if (Float.isFinite(f)) {
            g.writeNumber(f);
        } else {
            g.writeString(nonFiniteName(f));
        }
    }

    private static String nonFiniteName(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    /** The current token, shortened, for error messages. */
    static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_NULL: return "null";
            case VALUE_STRING: {
                String s = p.getText();
                return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
            }
            default: return p.getText();
        }
    }
}
