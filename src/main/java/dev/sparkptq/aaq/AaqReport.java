package dev.sparkptq.aaq;

import dev.sparkptq.config.AccuracyAwareSpec;
import dev.sparkptq.plan.RevertGroup;
import dev.sparkptq.report.RunReport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report.json section of a search. */
final class AaqReport {
    private AaqReport() {
    }

    static RunReport.AccuracyAwareSummary summary(AccuracyAwareSpec spec, SearchState s, Targets targets,
                                                  List<RevertGroup> groups, List<Integer> chosen,
                                                  Map<String, Double> values, boolean met,
                                                  RunReport.AaqLatency latency) {
        List<RunReport.RevertedGroup> reverted = chosen.stream().map(g -> new RunReport.RevertedGroup(g,
                groups.get(g).nodes(), groups.get(g).pointIds())).toList();
        List<RunReport.AaqIteration> iterations = s.iterations.stream().map(i -> new RunReport.AaqIteration(
                i.iteration, i.group, i.label, i.drop, i.outcome)).toList();
        List<RunReport.AaqRanking> rankings = s.rounds.stream().map(r -> {
            Map<String, Double> scores = new LinkedHashMap<>();
            r.scores.forEach((g, v) -> scores.put(groups.get(g).label() + " #" + g, v));
            return new RunReport.AaqRanking(r.metric, r.wallMs, scores);
        }).toList();
        long rankingMs = s.rounds.stream().mapToLong(r -> r.wallMs).sum();
        return new RunReport.AccuracyAwareSummary(spec.maximalDrop(), lower(spec.dropType()), lower(spec.revertTo()),
                lower(spec.restoreMode()), s.metric, groups.size(), s.subset.size(), s.baseline, s.base, values,
                targets.drops(values), met, reverted, iterations, rankings, s.subsetEvaluations, s.fullEvaluations,
                rankingMs, latency);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
