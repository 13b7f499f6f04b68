package io.batchwise.demo;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Horizontal bar charts as inline SVG (no scripts, no external resources, well-formed XML):
 * one row per label, one bar per series, on a linear or a log10 axis. The planner's charts are
 * vertical and linear; the demo's latencies span milliseconds to seconds, hence its own.
 */
final class SvgBars {
    private static final int W = 640;
    private static final int LABEL = 130;
    private static final int RIGHT = 90;
    private static final int TOP = 44;
    private static final int BAR = 14;
    private static final int GAP = 12;
    private static final int BOTTOM = 30;

    /** One bar per label; NaN values are drawn as "n/a". */
    record Series(String name, String color, double[] values) {
    }

    private SvgBars() {
    }

    /**
     * A chart.
     *
     * @param log   log10 axis (for values spanning decades) instead of a linear one from 0
     * @param top   the linear axis' end, or NaN to fit the values
     * @param value how bar values and (log) ticks are written; linear ticks get as many decimals
     *              as their step needs, through {@code tick}
     */
    static String chart(String id, String title, List<String> labels, List<Series> series, boolean log, double top,
                        DoubleFunction<String> value, DoubleFunction<String> tick) {
        double max = 0;
        double minPositive = Double.POSITIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    max = Math.max(max, v);
                    if (v > 0) {
                        minPositive = Math.min(minPositive, v);
                    }
                }
            }
        }
        double lo;
        double hi;
        if (log) {
            lo = Math.floor(Math.log10(Double.isInfinite(minPositive) ? 1 : minPositive));
            hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 1e-12))));
        } else {
            lo = 0;
            hi = Double.isNaN(top) ? niceTop(max) : top;
        }
        int group = series.size() * BAR + GAP;
        int h = TOP + labels.size() * group + BOTTOM;
        double plot = W - LABEL - RIGHT;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"%s\""
                + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>", esc(id), W, h, W, h,
                esc(title)));
        text(s, 8, 16, title, "start", "#111", true);
        double lx = LABEL;
        for (Series se : series) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"26\" width=\"12\" height=\"8\" fill=\"%s\"/>", lx,
                    se.color()));
            text(s, lx + 16, 34, se.name(), "start", "#222", false);
            lx += 24 + 7 * se.name().length();
        }
        int axisY = h - BOTTOM;
        for (double t : ticks(lo, hi, log)) {
            double x = LABEL + plot * (t - lo) / (hi - lo);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x,
                    TOP - 4, x, axisY));
            text(s, x, axisY + 14, log ? value.apply(Math.pow(10, t)) : tick.apply(t), "middle", "#444", false);
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", LABEL,
                TOP - 4, LABEL, axisY));
        for (int i = 0; i < labels.size(); i++) {
            int y0 = TOP + i * group;
            text(s, LABEL - 8, y0 + group / 2.0, labels.get(i), "end", "#222", false);
            for (int k = 0; k < series.size(); k++) {
                Series se = series.get(k);
                double v = se.values()[i];
                int y = y0 + k * BAR;
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    text(s, LABEL + 4, y + BAR - 3, "n/a", "start", "#888", false);
                    continue;
                }
                double pos = log ? (v <= 0 ? lo : Math.log10(v)) : v;
                double w = Math.max(1, plot * (Math.max(lo, Math.min(hi, pos)) - lo) / (hi - lo));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                                + "<title>%s</title></rect>", LABEL, y + 1, w, BAR - 2, se.color(),
                        esc(labels.get(i) + ", " + se.name() + ": " + value.apply(v))));
                text(s, LABEL + w + 4, y + BAR - 3, value.apply(v), "start", "#222", false);
            }
        }
        return s.append("</svg>").toString();
    }

    /** A round axis end at or above {@code max}: 1, 2 or 5 times a power of ten. */
    static double niceTop(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * mag >= max * (1 - 1e-12)) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    /** A linear tick value with as many decimals as the axis step ({@code top} / 5) needs. */
    static DoubleFunction<String> decimals(double top, String suffix) {
        double step = top / 5;
        int d = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
        return v -> String.format(Locale.ROOT, "%." + d + "f", v) + suffix;
    }

    private static double[] ticks(double lo, double hi, boolean log) {
        if (log) {
            int n = (int) Math.round(hi - lo);
            double[] t = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                t[i] = lo + i;
            }
            return t;
        }
        double[] t = new double[6];
        for (int i = 0; i <= 5; i++) {
            t[i] = hi * i / 5;
        }
        return t;
    }

    private static void text(StringBuilder s, double x, double y, String text, String anchor, String color,
                             boolean bold) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%s\" text-anchor=\"%s\" fill=\"%s\"%s>"
                + "%s</text>", x, y, bold ? "13" : "11", anchor, color, bold ? " font-weight=\"bold\"" : "", esc(text)));
    }

    /** Escapes text for XML/HTML content and attributes. */
    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
