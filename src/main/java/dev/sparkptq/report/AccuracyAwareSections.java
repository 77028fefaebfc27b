package dev.sparkptq.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The accuracy-aware search on the HTML page: the first ranking round's score of every revert group, and the drop
 * after every greedy iteration (rolled-back steps in grey).
 */
final class AccuracyAwareSections {
    private static final String SCORE = "#4e79a7";
    private static final String KEPT = "#59a14f";
    private static final String ROLLED_BACK = "#bab0ac";

    private AccuracyAwareSections() {
    }

    static List<ReportSection> of(RunReport.AccuracyAwareSummary a) {
        return List.of(ranking(a), drops(a));
    }

    private static ReportSection ranking(RunReport.AccuracyAwareSummary a) {
        List<SvgBarChart.Bar> bars = new ArrayList<>();
        if (!a.rankings().isEmpty()) {
            RunReport.AaqRanking first = a.rankings().get(0);
            first.scores().entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e ->
                    bars.add(new SvgBarChart.Bar(e.getKey(), e.getValue(), fmt(e.getValue()), SCORE)));
        }
        return new BarChartSection(HtmlReport.Planned.REVERT_RANKING.id(), "Revert-group ranking",
                "Drop of " + a.metric() + " on the " + a.rankingSubsetSize() + "-sample ranking subset with each group"
                        + " reverted alone (first of " + a.rankings().size() + " rounds, " + a.rankingWallMs()
                        + " ms in all); smaller is better, the top group is reverted first.", bars);
    }

    private static ReportSection drops(RunReport.AccuracyAwareSummary a) {
        List<SvgBarChart.Bar> bars = new ArrayList<>();
        for (RunReport.AaqIteration i : a.iterations()) {
            bars.add(new SvgBarChart.Bar(i.iteration() + ": " + i.label(), i.drop(), fmt(i.drop()) + " "
                    + i.outcome().replace('_', ' '), i.outcome().equals("kept") ? KEPT : ROLLED_BACK));
        }
        return new BarChartSection(HtmlReport.Planned.DROP_PER_ITERATION.id(), "Accuracy drop per iteration",
                "Drop of " + a.metric() + " on the full validation data after each greedy step (allowed: "
                        + fmt(a.maximalDrop()) + "; target " + (a.targetMet() ? "met" : "missed, best model saved")
                        + "); grey steps were rolled back.", bars);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
