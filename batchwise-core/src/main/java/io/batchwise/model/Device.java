package io.batchwise.model;

/** Where a model's instances run: {@code cpu} or {@code cuda:N}. */
public record Device(Kind kind, int index) {
    /** Execution provider family. */
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        InvalidConfig.require(index >= 0, "device", index, "GPU index must be >= 0");
    }

    /** Parses {@code cpu} or {@code cuda:N} ({@code cuda} alone means {@code cuda:0}). */
    public static Device parse(String text) {
        if (text == null || text.equals("cpu")) {
            return CPU;
        }
        if (text.equals("cuda")) {
            return new Device(Kind.CUDA, 0);
        }
        if (text.startsWith("cuda:")) {
            try {
                int index = Integer.parseInt(text.substring(5));
                if (index >= 0) {
                    return new Device(Kind.CUDA, index);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new InvalidConfig("device: must be cpu or cuda:N (got " + text + ")");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
