package io.batchwise.plan;

import io.batchwise.model.Durations;
import java.time.Duration;
import java.util.Locale;

/** Numbers as people read them in reasons and reports. */
final class Format {
    private Format() {
    }

    /**
     * A duration as people write it: {@code 250us}, {@code 12.5ms}, {@code 1.5s}, {@code 5m},
     * {@code 38m14s}, {@code 1h30m}, {@code 8h} (rounded to the second from a minute up).
     */
    static String duration(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000_000) {
            return Durations.format(Duration.ofNanos(nanos / 1000 * 1000));
        }
        if (nanos < 1_000_000_000L) {
            return trim(String.format(Locale.ROOT, "%.1f", nanos / 1e6)) + "ms";
        }
        if (nanos < 60_000_000_000L) {
            return trim(String.format(Locale.ROOT, "%.1f", nanos / 1e9)) + "s";
        }
        long s = Math.round(nanos / 1e9);
        StringBuilder out = new StringBuilder();
        if (s >= 86400 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s >= 3600) {
            out.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            out.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0) {
            out.append(s % 60).append('s');
        }
        return out.toString();
    }

    private static String trim(String decimal) {
        return decimal.endsWith(".0") ? decimal.substring(0, decimal.length() - 2) : decimal;
    }

    /** Seconds as {@code 12.3 ms} or {@code 4.20 s}; infinite as "unbounded (over 1% shed)". */
    static String seconds(double s) {
        if (Double.isInfinite(s)) {
            return "unbounded (over 1% shed)";
        }
        if (s < 1) {
            return String.format(Locale.ROOT, "%.1f ms", s * 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    static String rate(double perSecond) {
        return perSecond >= 100 ? String.format(Locale.ROOT, "%,.0f", perSecond)
                : String.format(Locale.ROOT, "%.2f", perSecond);
    }

    static String number(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String money(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == 0) {
            return "0.00";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 1 ? "%,.2f" : "%.4f", v);
    }
}
