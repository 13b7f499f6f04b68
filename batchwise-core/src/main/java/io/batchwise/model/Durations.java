package io.batchwise.model;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human durations such as {@code 250us}, {@code 50ms}, {@code 2s}, {@code 5m}, {@code 24h}, {@code 7d}. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|µs|ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses a duration with a unit suffix.
     *
     * @param field the config field, named in the error message
     * @throws InvalidConfig when the text is not a duration
     */
    public static Duration parse(String field, Object text) {
        if (text == null) {
            throw new InvalidConfig(field + ": a duration like 50ms is required (got null)");
        }
        Matcher m = FORMAT.matcher(text.toString().trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidConfig(field + ": not a duration like 50ms, 2s, 24h or 7d (got " + text + ")");
        }
        double amount = Double.parseDouble(m.group(1));
        double nanosPerUnit = switch (m.group(2)) {
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> 86400e9;
        };
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }

    /** Formats a duration in the shortest exact unit, e.g. {@code 50ms}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 86_400_000_000_000L == 0 && nanos != 0) {
            return nanos / 86_400_000_000_000L + "d";
        }
        if (nanos % 3_600_000_000_000L == 0 && nanos != 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 1_000_000_000L == 0 && nanos != 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos / 1_000L + "us";
    }
}
