package dev.sparkptq.report;

import java.util.List;

/**
 * A ready-made {@link ReportSection}: a sentence of explanation and a horizontal bar chart of labelled values.
 *
 * @param note one sentence saying what the bars measure and which direction is better
 */
public record BarChartSection(String id, String title, String note, List<SvgBarChart.Bar> bars)
        implements ReportSection {
    public BarChartSection {
        bars = List.copyOf(bars);
    }

    @Override
    public void render(Markup body) {
        body.element("p", note, "class", "note");
        if (bars.isEmpty()) {
            body.element("p", "No values.", "class", "muted");
            return;
        }
        body.append(SvgBarChart.render(bars, HtmlReport.CHART_WIDTH, title));
    }
}
