package dev.sparkptq.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-layer range table: one small row per quantizer with its [range_min, range_max] drawn as a bar on a shared
 * {@link RangeAxis}, real zero marked by a red tick, and scale, zero point and levels as text. The table sits in a
 * scroll area with a sticky axis header, so hundreds of tensors stay readable without making the page endless.
 */
final class SvgRangeRows {
    static final String ACTIVATION_FILL = "#59a14f";
    static final String WEIGHT_FILL = "#b07aa1";
    static final String ZERO_FILL = "#e15759";
    private static final int WIDTH = 420;
    private static final int PAD = 14;
    private static final int ROW_HEIGHT = 14;
    private static final int AXIS_HEIGHT = 22;
    private static final int MIN_TICK_GAP = 38;

    private SvgRangeRows() {
    }

    static void render(Markup m, List<RunReport.TensorSummary> tensors) {
        List<double[]> ranges = new ArrayList<>();
        for (RunReport.TensorSummary t : tensors) {
            ranges.add(new double[]{t.rangeMin(), t.rangeMax()});
        }
        RangeAxis axis = RangeAxis.fit(ranges);
        long activations = tensors.stream().filter(t -> "activation".equals(t.kind())).count();
        long tied = tensors.stream().filter(t -> t.tiedTo() != null).count();
        m.element("p", tensors.size() + " quantizers: " + activations + " activation, "
                + (tensors.size() - activations) + " weight" + (tied > 0 ? ", " + tied + " tied to another" : "")
                + ". Each bar spans the quantizer's [range_min, range_max] on a " + axis.describe()
                + "; the red tick marks 0. Per-channel weights show their widest channel range and the span of "
                + "their scales. Hover a row for the full name.", "class", "note");
        m.open("p", "class", "legend");
        HtmlReport.key(m, ACTIVATION_FILL, "activation");
        HtmlReport.key(m, WEIGHT_FILL, "weight");
        HtmlReport.key(m, ZERO_FILL, "zero");
        m.element("span", "tied: paler bar, \u2194 in the kind column", "class", "muted");
        m.close("p").line();
        m.open("div", "class", "scroll").open("table", "class", "ranges").open("thead").open("tr");
        for (String h : new String[]{"#", "tensor", "kind"}) {
            m.element("th", h);
        }
        m.open("th", "class", "axis").append(axisSvg(axis)).close("th");
        for (String h : new String[]{"range", "scale", "zero point"}) {
            m.element("th", h, "class", "num");
        }
        m.element("th", "levels");
        m.close("tr").close("thead").line().open("tbody").line();
        for (int i = 0; i < tensors.size(); i++) {
            row(m, i + 1, tensors.get(i), axis);
        }
        m.close("tbody").close("table").close("div").line();
    }

    private static double x(RangeAxis axis, double v) {
        return PAD + axis.fraction(v) * (WIDTH - 2 * PAD);
    }

    private static Markup axisSvg(RangeAxis axis) {
        Markup m = new Markup().open("svg", "xmlns", SvgBarChart.SVG_NS, "width", String.valueOf(WIDTH), "height",
                String.valueOf(AXIS_HEIGHT), "viewBox", "0 0 " + WIDTH + " " + AXIS_HEIGHT, "role", "img",
                "aria-label", "range axis");
        m.empty("line", "x1", String.valueOf(PAD), "y1", String.valueOf(AXIS_HEIGHT - 1), "x2",
                String.valueOf(WIDTH - PAD), "y2", String.valueOf(AXIS_HEIGHT - 1), "class", "axis");
        for (double t : visibleTicks(axis)) {
            double x = x(axis, t);
            m.empty("line", "x1", Markup.num(x), "y1", String.valueOf(AXIS_HEIGHT - 6), "x2", Markup.num(x), "y2",
                    String.valueOf(AXIS_HEIGHT - 1), "class", "axis");
            m.element("text", Fmt.tick(t), "x", Markup.num(x), "y", String.valueOf(AXIS_HEIGHT - 9), "text-anchor",
                    "middle", "class", "tick");
        }
        return m.close("svg");
    }

    /** Ticks whose labels do not overlap: zero always, then outwards while at least MIN_TICK_GAP pixels apart. */
    static List<Double> visibleTicks(RangeAxis axis) {
        List<Double> ticks = axis.ticks();
        int zero = ticks.indexOf(0.0);
        List<Double> kept = new ArrayList<>(List.of(0.0));
        double last = x(axis, 0);
        for (int i = zero + 1; i < ticks.size(); i++) {
            if (x(axis, ticks.get(i)) - last >= MIN_TICK_GAP && x(axis, ticks.get(i)) <= WIDTH - PAD / 2.0) {
                kept.add(ticks.get(i));
                last = x(axis, ticks.get(i));
            }
        }
        last = x(axis, 0);
        for (int i = zero - 1; i >= 0; i--) {
            if (last - x(axis, ticks.get(i)) >= MIN_TICK_GAP) {
                kept.add(0, ticks.get(i));
                last = x(axis, ticks.get(i));
            }
        }
        return kept;
    }

    private static void row(Markup m, int index, RunReport.TensorSummary t, RangeAxis axis) {
        boolean activation = "activation".equals(t.kind());
        m.open("tr");
        m.element("td", String.valueOf(index), "class", "num");
        m.element("td", t.tensor(), "class", "name", "title", t.tensor());
        m.element("td", (activation ? "act" : t.kind()) + (t.tiedTo() != null ? " \u2194" : ""), "title",
                t.tiedTo() == null ? null : "tied: reuses the parameters of " + t.tiedTo());
        m.open("td", "class", "bar").append(bar(t, axis, activation ? ACTIVATION_FILL : WEIGHT_FILL)).close("td");
        m.element("td", "[" + Fmt.sig(t.rangeMin()) + ", " + Fmt.sig(t.rangeMax()) + "]", "class", "num");
        m.element("td", t.channels() > 1 ? Fmt.sig(t.scaleMin()) + "\u2013" + Fmt.sig(t.scaleMax()) + " ("
                + t.channels() + " ch)" : Fmt.sig(t.scaleMin()), "class", "num");
        m.element("td", t.zeroPoint() == null ? "per channel" : String.valueOf(t.zeroPoint()), "class", "num");
        m.element("td", t.storage() + " [" + t.levelLow() + ", " + t.levelHigh() + "]");
        m.close("tr").line();
    }

    private static Markup bar(RunReport.TensorSummary t, RangeAxis axis, String fill) {
        Markup m = new Markup().open("svg", "xmlns", SvgBarChart.SVG_NS, "width", String.valueOf(WIDTH), "height",
                String.valueOf(ROW_HEIGHT), "viewBox", "0 0 " + WIDTH + " " + ROW_HEIGHT);
        m.element("title", t.tensor() + ": [" + Fmt.sig(t.rangeMin()) + ", " + Fmt.sig(t.rangeMax()) + "]");
        if (Double.isFinite(t.rangeMin()) && Double.isFinite(t.rangeMax())) {
            double a = x(axis, t.rangeMin());
            double b = x(axis, t.rangeMax());
            m.empty("rect", "x", Markup.num(a), "y", "2", "width", Markup.num(Math.max(b - a, 2)), "height",
                    String.valueOf(ROW_HEIGHT - 4), "fill", fill, "fill-opacity", t.tiedTo() == null ? null : "0.4");
        }
        m.empty("rect", "x", Markup.num(x(axis, 0) - 1), "y", "0", "width", "2", "height",
                String.valueOf(ROW_HEIGHT), "fill", ZERO_FILL);
        return m.close("svg");
    }
}
