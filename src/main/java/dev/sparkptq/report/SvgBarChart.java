package dev.sparkptq.report;

import java.util.List;

/**
 * A horizontal bar chart as inline SVG: one labelled row per value, the value written after the bar. Used for the
 * time per stage and the model size, and meant for the sections later features add (revert-group scores, drop per
 * iteration, per-layer SQNR). Negative values grow left from a zero line.
 */
public final class SvgBarChart {
    static final String SVG_NS = "http://www.w3.org/2000/svg";
    private static final int ROW = 22;
    private static final int BAR = 14;
    private static final int LABEL_WIDTH = 170;
    private static final int VALUE_WIDTH = 170;
    private static final int LABEL_CHARS = 26;

    /**
     * @param label     row label (user data is fine: it is escaped; long labels are shortened, full in a tooltip)
     * @param valueText what to write after the bar, e.g. "7,180 ms (32.5 %)"
     * @param fill      CSS colour of the bar, e.g. "#edc948"
     */
    public record Bar(String label, double value, String valueText, String fill) {
    }

    private SvgBarChart() {
    }

    /** The chart, {@code width} pixels wide; an empty list gives an empty (but valid) chart. */
    public static Markup render(List<Bar> bars, int width, String description) {
        int height = Math.max(1, bars.size()) * ROW + 4;
        double min = 0;
        double max = 0;
        for (Bar b : bars) {
            if (Double.isFinite(b.value())) {
                min = Math.min(min, b.value());
                max = Math.max(max, b.value());
            }
        }
        double span = max - min == 0 ? 1 : max - min;
        double plot = width - LABEL_WIDTH - VALUE_WIDTH;
        double zeroX = LABEL_WIDTH + plot * (-min / span);
        Markup m = new Markup().open("svg", "xmlns", SVG_NS, "class", "chart", "width", String.valueOf(width),
                "height", String.valueOf(height), "viewBox", "0 0 " + width + " " + height, "role", "img",
                "aria-label", description);
        for (int i = 0; i < bars.size(); i++) {
            row(m, bars.get(i), i * ROW + 2, zeroX, plot / span, width);
        }
        m.empty("line", "x1", Markup.num(zeroX), "y1", "0", "x2", Markup.num(zeroX), "y2", String.valueOf(height),
                "class", "zero");
        return m.close("svg");
    }

    private static void row(Markup m, Bar b, int y, double zeroX, double pxPerUnit, int width) {
        double v = Double.isFinite(b.value()) ? b.value() : 0;
        double len = Math.abs(v) * pxPerUnit;
        double x = v < 0 ? zeroX - len : zeroX;
        double textY = y + BAR - 2;
        m.open("g").element("title", b.label() + ": " + b.valueText());
        m.element("text", shorten(b.label(), LABEL_CHARS), "x", String.valueOf(LABEL_WIDTH - 8), "y",
                Markup.num(textY), "text-anchor", "end", "class", "label");
        m.empty("rect", "x", Markup.num(x), "y", String.valueOf(y + (ROW - BAR) / 2 - 2), "width",
                Markup.num(Math.max(len, v == 0 ? 0 : 1)), "height", String.valueOf(BAR), "fill", b.fill());
        double after = Math.max(zeroX, x + len) + 6;
        m.element("text", b.valueText(), "x", Markup.num(Math.min(after, width - VALUE_WIDTH + 6)), "y",
                Markup.num(textY), "class", "value");
        m.close("g").line();
    }

    /** At most {@code chars} characters, the middle replaced by an ellipsis (tensor names differ at both ends). */
    static String shorten(String s, int chars) {
        if (s == null || s.length() <= chars) {
            return s;
        }
        int head = (chars - 1) / 2;
        int tail = chars - 1 - head;
        return s.substring(0, head) + "\u2026" + s.substring(s.length() - tail);
    }
}
