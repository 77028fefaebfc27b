package dev.sparkptq.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Wall time per pipeline stage, in the order the run went through them, as a bar chart; "total" as text. */
final class TimingsSection {
    static final String FILL = "#edc948";
    static final String TOTAL = "total";

    private TimingsSection() {
    }

    static void render(Markup m, Map<String, Long> timings) {
        Long total = timings.get(TOTAL);
        long sum = timings.entrySet().stream().filter(e -> !TOTAL.equals(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        long whole = total != null && total > 0 ? total : sum;
        m.element("p", "Wall time on the driver, per stage in run order"
                + (total == null ? "" : "; total " + Fmt.millis(total)) + ". Timings are the only part of the "
                + "report that differs between identical runs.", "class", "note");
        List<SvgBarChart.Bar> bars = new ArrayList<>();
        for (Map.Entry<String, Long> e : timings.entrySet()) {
            if (!TOTAL.equals(e.getKey())) {
                String share = whole > 0 ? " (" + Fmt.percent((double) e.getValue() / whole) + ")" : "";
                bars.add(new SvgBarChart.Bar(e.getKey(), e.getValue(), Fmt.millis(e.getValue()) + share, FILL));
            }
        }
        m.append(SvgBarChart.render(bars, HtmlReport.CHART_WIDTH, "time per stage"));
    }
}
