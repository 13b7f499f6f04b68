package io.batchwise.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which outputs travel as binary data (the binary tensor data extension) rather than as JSON.
 *
 * <p>{@code byDefault} is the request-level {@code parameters.binary_data_output}; {@code perOutput}
 * holds each requested output's {@code parameters.binary_data}, which overrides the default as the
 * protocol says.
 *
 * @param byDefault whether outputs without their own choice are binary
 * @param perOutput explicit choices by output name
 */
public record BinaryOutputs(boolean byDefault, Map<String, Boolean> perOutput) {
    private static final BinaryOutputs NONE = new BinaryOutputs(false, Map.of());
    private static final BinaryOutputs ALL = new BinaryOutputs(true, Map.of());

    public BinaryOutputs {
        Objects.requireNonNull(perOutput, "perOutput");
        perOutput.forEach((name, binary) -> {
            Objects.requireNonNull(name, "output name");
            Objects.requireNonNull(binary, () -> "binary choice for output '" + name + "'");
        });
        // LinkedHashMap keeps the order the client named them in, for readable toString()s.
        perOutput = Collections.unmodifiableMap(new LinkedHashMap<>(perOutput));
    }

    /** Every output as JSON. */
    public static BinaryOutputs none() {
        return NONE;
    }

    /** Every output as binary data. */
    public static BinaryOutputs all() {
        return ALL;
    }

    /** Whether the output called {@code name} is returned as binary data. */
    public boolean isBinary(String name) {
        return perOutput.getOrDefault(name, byDefault);
    }
}
