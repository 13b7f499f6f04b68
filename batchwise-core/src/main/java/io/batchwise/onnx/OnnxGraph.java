package io.batchwise.onnx;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An ONNX computation graph, ready for {@link OnnxWriter}: typed inputs and outputs, constant
 * initializers and operator nodes in topological order. Immutable; build one with
 * {@link #builder(String)}:
 *
 * <pre>{@code
 * OnnxGraph g = OnnxGraph.builder("tiny")
 *     .input("x", DataType.FP32, -1, 16)
 *     .initializer("w", new long[] {16, 4}, SeededWeights.xavier(7, 16, 4))
 *     .node("MatMul", List.of("x", "w"), List.of("y"))
 *     .output("y", DataType.FP32, -1, 4)
 *     .build();
 * }</pre>
 *
 * A dimension of -1 is variable (a symbolic {@code dim_param}; "batch" for dimension 0). The
 * builder checks names as it goes — every node input must already exist and every value is
 * defined once — so a typo fails here with its name rather than later inside ONNX Runtime.
 */
public final class OnnxGraph {
    private final String name;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final List<Initializer> initializers;
    private final List<Node> nodes;

    private OnnxGraph(Builder b) {
        this.name = b.name;
        this.inputs = List.copyOf(b.inputs);
        this.outputs = List.copyOf(b.outputs);
        this.initializers = List.copyOf(b.initializers);
        this.nodes = List.copyOf(b.nodes);
    }

    /** Starts a graph with the given name. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The graph's name. */
    public String name() {
        return name;
    }

    List<ValueInfo> inputs() {
        return inputs;
    }

    List<ValueInfo> outputs() {
        return outputs;
    }

    List<Initializer> initializers() {
        return initializers;
    }

    List<Node> nodes() {
        return nodes;
    }

    @Override
    public String toString() {
        return "OnnxGraph[" + name + ", " + nodes.size() + " nodes, " + initializers.size() + " initializers]";
    }

    /** A graph input or output: name, element type and dimensions (-1 for variable). */
    record ValueInfo(String name, DataType type, long[] dims) {
    }

    /** An operator application. */
    record Node(String name, String opType, List<String> inputs, List<String> outputs, List<Attribute> attributes) {
    }

    /** Collects a graph's parts in order; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<ValueInfo> inputs = new ArrayList<>();
        private final List<ValueInfo> outputs = new ArrayList<>();
        private final List<Initializer> initializers = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();
        private final Set<String> values = new HashSet<>();

        private Builder(String name) {
            this.name = requireName("graph", name);
        }

        /** Declares a graph input; -1 marks a variable dimension. */
        public Builder input(String name, DataType type, long... dims) {
            define("input", name);
            inputs.add(valueInfo(name, type, dims));
            return this;
        }

        /** Declares a graph output, which an input, initializer or earlier node must define. */
        public Builder output(String name, DataType type, long... dims) {
            requireName("output", name);
            if (!values.contains(name)) {
                throw new IllegalArgumentException("output '" + name + "' is not produced by any input, initializer or node");
            }
            outputs.add(valueInfo(name, type, dims));
            return this;
        }

        /** A constant of any datatype, named by the tensor's name. */
        public Builder initializer(Tensor value) {
            define("initializer", value.name());
            initializers.add(Initializer.of(value));
            return this;
        }

        /** An FP32 constant from values in row-major order. */
        public Builder initializer(String name, long[] dims, float... values) {
            requireName("initializer", name);
            if (Tensor.elementCount(dims) != values.length) {
                throw new IllegalArgumentException("initializer '" + name + "': shape " + Arrays.toString(dims)
                        + " holds " + Tensor.elementCount(dims) + " values but " + values.length + " were given");
            }
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return initializer(Tensor.of(name, DataType.FP32, dims, b));
        }

        /**
         * An FP32 constant generated while the graph is written, so large weights never need to
         * be held in memory.
         */
        public Builder initializer(String name, long[] dims, SeededWeights weights) {
            define("initializer", name);
            initializers.add(Initializer.seeded(name, dims, Objects.requireNonNull(weights, "weights")));
            return this;
        }

        /**
         * Appends a node of the default ONNX domain. Inputs must be defined already (an empty
         * name skips an optional input); outputs must be new names.
         */
        public Builder node(String opType, List<String> inputs, List<String> outputs, Attribute... attributes) {
            requireName("op_type", opType);
            for (String in : inputs) {
                if (!in.isEmpty() && !values.contains(in)) {
                    throw new IllegalArgumentException(opType + " node: input '" + in + "' is not defined yet");
                }
            }
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException(opType + " node: needs at least one output");
            }
            for (String out : outputs) {
                define(opType + " output", out);
            }
            String nodeName = opType + "_" + nodes.size();
            nodes.add(new Node(nodeName, opType, List.copyOf(inputs), List.copyOf(outputs), List.of(attributes)));
            return this;
        }

        /**
         * The finished graph.
         *
         * @throws IllegalStateException when the graph declares no output
         */
        public OnnxGraph build() {
            if (outputs.isEmpty()) {
                throw new IllegalStateException("graph '" + name + "' declares no output");
            }
            return new OnnxGraph(this);
        }

        private void define(String what, String value) {
            requireName(what, value);
            if (!values.add(value)) {
                throw new IllegalArgumentException(what + " '" + value + "' is already defined in graph '" + name + "'");
            }
        }

        private static ValueInfo valueInfo(String name, DataType type, long[] dims) {
            Objects.requireNonNull(type, "type");
            for (long d : dims) {
                if (d < -1) {
                    throw new IllegalArgumentException("'" + name + "': dimension " + d + " in "
                            + Arrays.toString(dims) + " (use -1 for a variable dimension)");
                }
            }
            return new ValueInfo(name, type, dims.clone());
        }

        private static String requireName(String what, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " name must not be blank");
            }
            return value;
        }
    }
}
