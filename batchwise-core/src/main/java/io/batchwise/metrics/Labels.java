package io.batchwise.metrics;

/** Formats Prometheus label sets with escaped values. */
public final class Labels {
    private Labels() {
    }

    /** {@code {k1="v1",k2="v2"}} from alternating names and values. */
    public static String of(String... namesAndValues) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(namesAndValues[i]).append("=\"").append(escape(namesAndValues[i + 1])).append('"');
        }
        return b.append('}').toString();
    }

    static String escape(String v) {
        return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
