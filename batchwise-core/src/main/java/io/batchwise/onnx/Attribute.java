package io.batchwise.onnx;

import io.batchwise.tensor.Tensor;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A named operator attribute, such as {@code axes} of ReduceMean or {@code keepdims}. Create
 * one with the static factories, e.g. {@code Attribute.ofInts("axes", 1)}.
 */
public final class Attribute {
    // AttributeProto field numbers
    private static final int NAME = 1;
    private static final int F = 2;
    private static final int I = 3;
    private static final int S = 4;
    private static final int T = 5;
    private static final int FLOATS = 7;
    private static final int INTS = 8;
    private static final int TYPE = 20;

    // AttributeProto.AttributeType values; IR version 2 and later require the discriminator.
    private static final int TYPE_FLOAT = 1;
    private static final int TYPE_INT = 2;
    private static final int TYPE_STRING = 3;
    private static final int TYPE_TENSOR = 4;
    private static final int TYPE_FLOATS = 6;
    private static final int TYPE_INTS = 7;

    private final String name;
    private final int type;
    private final Consumer<ProtoWriter> value;

    private Attribute(String name, int type, Consumer<ProtoWriter> value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("attribute name must not be blank");
        }
        this.name = name;
        this.type = type;
        this.value = value;
    }

    /** A FLOAT attribute, e.g. LeakyRelu's {@code alpha}. */
    public static Attribute ofFloat(String name, float value) {
        return new Attribute(name, TYPE_FLOAT, w -> w.float32(F, value));
    }

    /** An INT attribute, e.g. {@code keepdims} or {@code axis}. */
    public static Attribute ofInt(String name, long value) {
        return new Attribute(name, TYPE_INT, w -> w.varint(I, value));
    }

    /** A STRING attribute, stored as UTF-8 bytes. */
    public static Attribute ofString(String name, String value) {
        Objects.requireNonNull(value, "value");
        return new Attribute(name, TYPE_STRING, w -> w.string(S, value));
    }

    /** A FLOATS attribute. */
    public static Attribute ofFloats(String name, float... values) {
        float[] copy = values.clone();
        return new Attribute(name, TYPE_FLOATS, w -> w.packedFloats(FLOATS, copy));
    }

    /** An INTS attribute, e.g. {@code axes} or {@code perm}. */
    public static Attribute ofInts(String name, long... values) {
        long[] copy = values.clone();
        return new Attribute(name, TYPE_INTS, w -> w.packedVarints(INTS, copy));
    }

    /** A tensor value, e.g. for a Constant node; the tensor's own name is kept as given. */
    public static Attribute ofTensor(String name, Tensor value) {
        Initializer tensor = Initializer.of(value);
        return new Attribute(name, TYPE_TENSOR, w -> w.message(T, tensor.encode()));
    }

    /** The attribute's name. */
    public String name() {
        return name;
    }

    /** The AttributeProto message. */
    ProtoWriter encode() {
        ProtoWriter w = new ProtoWriter().string(NAME, name);
        value.accept(w);
        return w.varint(TYPE, type);
    }
}
