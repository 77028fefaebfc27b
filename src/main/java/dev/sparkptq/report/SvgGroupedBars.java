package dev.sparkptq.report;

import java.util.List;

/**
 * A vertical grouped bar chart as inline SVG: one group per metric, one bar per series (FP32, quantized), the value
 * above each bar and a caption under each group. The y axis starts at zero (or below it, for negative values) and
 * ends at a 1-2-5 step above the largest value, with light grid lines at each step.
 */
final class SvgGroupedBars {
    private static final int HEIGHT = 230;
    private static final int TOP = 22;
    private static final int BOTTOM = 44;
    private static final int LEFT = 46;
    private static final int BAR = 46;
    private static final int GAP = 6;
    private static final int GROUP_GAP = 56;

    /** One group: its name, one value per series, and a caption line under it (e.g. the drop). */
    record Group(String name, double[] values, String caption) {
    }

    private SvgGroupedBars() {
    }

    static Markup render(List<Group> groups, List<String> fills, String description) {
        int series = fills.size();
        int groupWidth = series * BAR + (series - 1) * GAP;
        int width = LEFT + groups.size() * (groupWidth + GROUP_GAP) + 10;
        double min = 0;
        double max = 0;
        for (Group g : groups) {
            for (double v : g.values()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        double step = RangeAxis.niceStep(Math.max(max - min, 1e-12) / 4);
        double top = Math.ceil(max / step - 1e-9) * step;
        double bottom = Math.floor(min / step + 1e-9) * step;
        double plot = HEIGHT - TOP - BOTTOM;
        double pxPerUnit = plot / Math.max(top - bottom, 1e-12);
        double zeroY = TOP + top * pxPerUnit;
        Markup m = new Markup().open("svg", "xmlns", SvgBarChart.SVG_NS, "class", "chart", "width",
                String.valueOf(width), "height", String.valueOf(HEIGHT), "viewBox", "0 0 " + width + " " + HEIGHT,
                "role", "img", "aria-label", description);
        for (double t = bottom; t <= top + step * 1e-9; t += step) {
            double y = zeroY - t * pxPerUnit;
            m.empty("line", "x1", String.valueOf(LEFT), "y1", Markup.num(y), "x2", String.valueOf(width - 4), "y2",
                    Markup.num(y), "class", Math.abs(t) < step * 1e-9 ? "zero" : "grid");
            m.element("text", Fmt.tick(Math.abs(t) < step * 1e-9 ? 0 : t), "x", String.valueOf(LEFT - 6), "y",
                    Markup.num(y + 4), "text-anchor", "end", "class", "tick");
        }
        m.line();
        for (int g = 0; g < groups.size(); g++) {
            group(m, groups.get(g), fills, LEFT + GROUP_GAP / 2 + g * (groupWidth + GROUP_GAP), zeroY, pxPerUnit);
        }
        return m.close("svg");
    }

    private static void group(Markup m, Group g, List<String> fills, int x0, double zeroY, double pxPerUnit) {
        m.open("g").element("title", g.name());
        for (int s = 0; s < fills.size() && s < g.values().length; s++) {
            double v = Double.isFinite(g.values()[s]) ? g.values()[s] : 0;
            double h = Math.abs(v) * pxPerUnit;
            double y = v >= 0 ? zeroY - h : zeroY;
            int x = x0 + s * (BAR + GAP);
            m.empty("rect", "x", String.valueOf(x), "y", Markup.num(y), "width", String.valueOf(BAR), "height",
                    Markup.num(h), "fill", fills.get(s));
            m.element("text", Fmt.metric(g.values()[s]), "x", String.valueOf(x + BAR / 2), "y",
                    Markup.num(v >= 0 ? y - 5 : y + h + 13), "text-anchor", "middle", "class", "value");
        }
        int mid = x0 + (fills.size() * BAR + (fills.size() - 1) * GAP) / 2;
        m.element("text", SvgBarChart.shorten(g.name(), 22), "x", String.valueOf(mid), "y",
                String.valueOf(HEIGHT - BOTTOM + 18), "text-anchor", "middle", "class", "label");
        m.element("text", g.caption(), "x", String.valueOf(mid), "y", String.valueOf(HEIGHT - BOTTOM + 34),
                "text-anchor", "middle", "class", "caption");
        m.close("g").line();
    }
}
