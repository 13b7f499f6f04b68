package io.batchwise.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts (bars and lines) for the HTML report: no scripts, no external
 * resources, well-formed XML.
 */
final class SvgChart {
    private static final int W = 560;
    private static final int H = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int LEGEND_COLUMNS = 2;
    private static final int BOTTOM = 50;

    /** A line: name, colour, (x, y) points; infinite y is drawn at the top edge as "over". */
    record Series(String name, String color, List<double[]> points) {
    }

    private SvgChart() {
    }

    /** Vertical bars; NaN values are drawn as "n/a" labels. */
    static String bars(String id, String title, String unit, List<String> labels, double[] values, String[] colors) {
        double max = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                max = Math.max(max, v);
            }
        }
        double[] ticks = ticks(max <= 0 ? 1 : max);
        double top = ticks[ticks.length - 1];
        int plotTop = 34;
        StringBuilder s = open(id, title);
        yAxis(s, ticks, top, unit, plotTop);
        int n = labels.size();
        double slot = (W - LEFT - RIGHT) / (double) n;
        for (int i = 0; i < n; i++) {
            double x = LEFT + i * slot + slot * 0.15;
            double bw = slot * 0.7;
            if (Double.isNaN(values[i])) {
                text(s, x + bw / 2, H - BOTTOM - 6, "n/a", "middle", "#888");
            } else {
                double h = (H - plotTop - BOTTOM) * values[i] / top;
                s.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>",
                        x, H - BOTTOM - h, bw, Math.max(0.5, h), colors[i], esc(labels.get(i)), esc(Format.money(values[i]))));
                text(s, x + bw / 2, H - BOTTOM - h - 4, Format.money(values[i]), "middle", "#222");
            }
            text(s, x + bw / 2, H - BOTTOM + 16, labels.get(i), "middle", "#222");
        }
        return s.append("</svg>").toString();
    }

    /** Lines over a linear or log2 x axis, with an optional dashed horizontal limit. */
    static String lines(String id, String title, String xLabel, String yLabel, List<Series> series, boolean logX,
                        double limit, String limitLabel) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = Double.isNaN(limit) ? 0 : limit;
        for (Series se : series) {
            for (double[] p : se.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                if (!Double.isInfinite(p[1]) && !Double.isNaN(p[1])) {
                    yMax = Math.max(yMax, p[1]);
                }
            }
        }
        if (!(xMax > xMin)) {
            xMin = logX ? Math.max(1, xMin / 2) : 0;
            xMax = Double.isInfinite(xMax) ? 1 : xMax * 2;
        }
        double[] ticks = ticks(yMax <= 0 ? 1 : yMax * 1.05);
        double top = ticks[ticks.length - 1];
        int legendRows = (series.size() + LEGEND_COLUMNS - 1) / LEGEND_COLUMNS;
        int plotTop = 30 + 14 * legendRows;
        StringBuilder s = open(id, title);
        yAxis(s, ticks, top, yLabel, plotTop);
        double lo = logX ? log2(xMin) : (xMin > 0 && xMin < xMax / 3 ? 0 : xMin);
        double hi = logX ? log2(xMax) : xMax;
        for (double t : xTicks(lo, hi, logX)) {
            double x = xPos(logX ? Math.pow(2, t) : t, lo, hi, logX);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>", x,
                    H - BOTTOM, x, H - BOTTOM + 4));
            text(s, x, H - BOTTOM + 16, tickLabel(logX ? Math.pow(2, t) : t, logX ? 1 : xStep(lo, hi)), "middle", "#222");
        }
        text(s, LEFT + (W - LEFT - RIGHT) / 2.0, H - 12, xLabel, "middle", "#222");
        if (!Double.isNaN(limit)) {
            double y = yPos(limit, top, plotTop);
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>",
                    LEFT, y, W - RIGHT, y));
            text(s, W - RIGHT - 4, y - 4, limitLabel, "end", "#c0392b");
        }
        int legend = 0;
        for (Series se : series) {
            List<String> pts = new ArrayList<>();
            for (double[] p : se.points()) {
                if (Double.isNaN(p[1])) {
                    continue;
                }
                double x = xPos(p[0], lo, hi, logX);
                double y = Double.isInfinite(p[1]) ? plotTop : yPos(p[1], top, plotTop);
                pts.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s</title></circle>",
                        x, y, se.color(), esc(se.name() + ": " + Format.number(p[0]) + " -> "
                                + (Double.isInfinite(p[1]) ? "over 1% shed" : Format.number(p[1])))));
            }
            if (pts.size() > 1) {
                s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(se.color())
                        .append("\" points=\"").append(String.join(" ", pts)).append("\"/>");
            }
            double lx = LEFT + 10 + (legend % LEGEND_COLUMNS) * 240;
            int ly = 28 + 14 * (legend / LEGEND_COLUMNS);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>", lx,
                    ly - 4, se.color()));
            text(s, lx + 16, ly, se.name(), "start", "#222");
            legend++;
        }
        return s.append("</svg>").toString();
    }

    private static StringBuilder open(String id, String title) {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"").append(esc(id))
                .append("\" width=\"").append(W).append("\" height=\"").append(H).append("\" viewBox=\"0 0 ")
                .append(W).append(' ').append(H).append("\" role=\"img\"><title>").append(esc(title)).append("</title>");
        text(s, LEFT, 14, title, "start", "#111");
        return s;
    }

    private static void yAxis(StringBuilder s, double[] ticks, double top, String label, int plotTop) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        for (double t : ticks) {
            double y = yPos(t, top, plotTop);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                    LEFT, y, W - RIGHT, y));
            text(s, LEFT - 6, y + 4, tickLabel(t, step), "end", "#444");
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", LEFT,
                H - BOTTOM, W - RIGHT, H - BOTTOM));
        s.append(String.format(Locale.ROOT,
                "<text x=\"14\" y=\"%d\" font-size=\"11\" fill=\"#222\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>",
                (plotTop + H - BOTTOM) / 2, (plotTop + H - BOTTOM) / 2, esc(label)));
    }

    private static double yPos(double v, double top, int plotTop) {
        return H - BOTTOM - (H - plotTop - BOTTOM) * Math.min(v, top) / top;
    }

    /** A tick value with as many decimals as its step needs (none for whole steps). */
    private static String tickLabel(double v, double step) {
        int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, decimals == 0 ? "%,.0f" : "%." + decimals + "f", v);
    }

    private static double xStep(double lo, double hi) {
        double[] t = ticks(hi);
        return t.length > 1 ? t[1] - t[0] : 1;
    }

    private static double xPos(double v, double lo, double hi, boolean logX) {
        double t = logX ? log2(v) : v;
        return LEFT + (W - LEFT - RIGHT) * (hi == lo ? 0.5 : (t - lo) / (hi - lo));
    }

    private static List<Double> xTicks(double lo, double hi, boolean logX) {
        List<Double> out = new ArrayList<>();
        if (logX) {
            for (double t = Math.ceil(lo); t <= hi + 1e-9; t++) {
                out.add(t);
            }
            return out;
        }
        for (double t : ticks(hi)) {
            if (t >= lo - 1e-9) {
                out.add(t);
            }
        }
        return out;
    }

    /** 0 and "nice" steps (1, 2, 5 x 10^k) up to at least {@code max}. */
    static double[] ticks(double max) {
        double raw = max / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
        int n = (int) Math.ceil(max / step - 1e-9);
        double[] out = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            out[i] = i * step;
        }
        return out;
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static void text(StringBuilder s, double x, double y, String text, String anchor, String color) {
        s.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\" fill=\"%s\">%s</text>", x, y, anchor,
                color, esc(text)));
    }

    /** Escapes text for XML/HTML content and attributes. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
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
