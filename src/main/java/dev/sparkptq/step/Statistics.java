package dev.sparkptq.step;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a step receives for its {@link StatisticsRequest}: every requested statistic and histogram, and nothing else
 * (a step cannot come to depend on what another step asked for).
 *
 * @param results    statistic → its value over the samples
 * @param histograms tensor → its histogram
 */
public record Statistics(Map<StatisticSpec, StatResult> results, Map<String, Histogram> histograms) {
    /** No statistics (a step that requested none). */
    public static final Statistics NONE = new Statistics(Map.of(), Map.of());

    public Statistics {
        results = java.util.Collections.unmodifiableMap(new TreeMap<>(results));
        histograms = java.util.Collections.unmodifiableMap(new TreeMap<>(histograms));
    }

    /** The value of {@code spec}, which the step must have requested. */
    public StatResult get(StatisticSpec spec) {
        StatResult r = results.get(spec);
        if (r == null) {
            throw new InternalException("statistic " + spec + " was not requested, or did not arrive");
        }
        return r;
    }

    /**
     * The part of {@code collected} that {@code request} asked for.
     *
     * @throws InternalException naming what is missing when a requested statistic or histogram did not arrive
     */
    public static Statistics of(StatisticsRequest request, Map<StatisticSpec, StatResult> collected,
                                Map<String, Histogram> collectedHistograms) {
        if (request.isEmpty()) {
            return NONE;
        }
        Map<StatisticSpec, StatResult> results = new TreeMap<>();
        Set<String> missing = new java.util.TreeSet<>();
        for (StatisticSpec s : request.specs()) {
            StatResult r = collected.get(s);
            if (r == null) {
                missing.add(s.toString());
            } else {
                results.put(s, r);
            }
        }
        Map<String, Histogram> histograms = new TreeMap<>();
        for (String t : new HashSet<>(request.histogramTensors())) {
            Histogram h = collectedHistograms.get(t);
            if (h == null) {
                missing.add("histogram of " + t);
            } else {
                histograms.put(t, h);
            }
        }
        if (!missing.isEmpty()) {
            throw new InternalException("requested statistics did not arrive: " + List.copyOf(missing));
        }
        return new Statistics(results, histograms);
    }

    /** Whether {@code collected} holds everything {@code request} asks for. */
    public static boolean covers(StatisticsRequest request, Map<StatisticSpec, StatResult> collected,
                                 Map<String, Histogram> collectedHistograms) {
        return collected.keySet().containsAll(request.specs())
                && collectedHistograms.keySet().containsAll(request.histogramTensors());
    }
}
