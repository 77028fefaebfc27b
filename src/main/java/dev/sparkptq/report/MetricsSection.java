package dev.sparkptq.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** FP32 versus quantized metrics: a table with the drop, and a grouped bar chart (one group per metric). */
final class MetricsSection {
    static final String FP32_FILL = "#4e79a7";
    static final String QUANTIZED_FILL = "#f28e2b";

    private MetricsSection() {
    }

    static void render(Markup m, RunReport.MetricsSummary s) {
        m.element("p", "Evaluated on " + Fmt.count(s.samples()) + " samples of " + s.dataSource()
                + ". Drop = FP32 \u2212 quantized: positive means the quantized model is worse.", "class", "note");
        if (s.samplesAlsoUsedForCalibration() > 0) {
            m.element("p", Fmt.count(s.samplesAlsoUsedForCalibration()) + " of the evaluation samples were also "
                    + "calibration samples, so the drop may look better than on unseen data.", "class", "warn");
        }
        Map<String, Double> fp32 = s.fp32() == null ? Map.of() : s.fp32();
        Map<String, Double> quantized = s.quantized() == null ? Map.of() : s.quantized();
        Map<String, Double> drop = s.drop() == null ? Map.of() : s.drop();
        TreeSet<String> names = new TreeSet<>(fp32.keySet());
        names.addAll(quantized.keySet());
        m.open("div", "class", "side").open("div").open("table", "class", "grid").open("tr");
        m.element("th", "metric");
        for (String h : new String[]{"FP32", "quantized", "drop"}) {
            m.element("th", h, "class", "num");
        }
        m.close("tr");
        List<SvgGroupedBars.Group> groups = new ArrayList<>();
        for (String name : names) {
            double a = fp32.getOrDefault(name, Double.NaN);
            double b = quantized.getOrDefault(name, Double.NaN);
            double d = drop.getOrDefault(name, Double.NaN);
            m.open("tr").element("td", name).element("td", Fmt.metric(a), "class", "num")
                    .element("td", Fmt.metric(b), "class", "num")
                    .element("td", Fmt.metric(d), "class", d > 0 ? "num worse" : "num").close("tr");
            groups.add(new SvgGroupedBars.Group(name, new double[]{a, b}, "drop " + Fmt.metric(d)));
        }
        m.close("table").line();
        m.open("p", "class", "legend");
        HtmlReport.key(m, FP32_FILL, "FP32");
        HtmlReport.key(m, QUANTIZED_FILL, "quantized");
        m.close("p").line();
        m.close("div").append(SvgGroupedBars.render(groups, List.of(FP32_FILL, QUANTIZED_FILL),
                "metrics before and after")).close("div").line();
    }
}
