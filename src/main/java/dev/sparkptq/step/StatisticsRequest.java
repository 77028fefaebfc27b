package dev.sparkptq.step;

import dev.sparkptq.stats.HistogramSpec;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The statistics a step asks for, as data (DESIGN convention 2): per-sample statistics aggregated over the
 * calibration samples, and histograms. The pipeline merges the requests of consecutive steps into one pass, decides
 * how each tensor is read (exposed whole, or reduced inside the graph with {@code inplace_statistics}) and checks that
 * every requested statistic arrived.
 *
 * @param specs       statistics, in the order asked (duplicates are collected once)
 * @param histograms  histograms whose bin edges are known before the pass (counted in the same pass)
 * @param later       histograms whose bin edges come from this pass's statistics: counted in a second pass
 * @param use         what the statistics feed (see {@link Use})
 * @param calibration whether these are the run's calibration statistics: the pass that collects them is written to
 *                    statistics.json and is what {@code --statistics} replaces (one request per run says so)
 */
public record StatisticsRequest(List<StatisticSpec> specs, List<HistogramSpec> histograms,
                                List<LaterHistogram> later, Use use, boolean calibration) {
    /** Nothing to collect. */
    public static final StatisticsRequest NONE = new StatisticsRequest(List.of(), List.of(), List.of(), Use.VALUES,
            false);

    public StatisticsRequest {
        specs = List.copyOf(specs);
        histograms = List.copyOf(histograms);
        later = List.copyOf(later);
    }

    /** What the statistics are used for, which decides how exactly they must be computed. */
    public enum Use {
        /** Exact values (means, extremes, quantiles as measured). */
        VALUES,
        /**
         * Only quantization ranges, which contain 0 anyway: the MIN of a tensor known to be ≥ 0 may be reported as 0
         * without computing it (unless another request of the same pass needs its value).
         */
        RANGES
    }

    /**
     * A histogram whose bin edges come from the first pass's statistics (e.g. the extremes of its tensor).
     *
     * @param tensor the tensor it counts
     * @param edges  its spec, given the first pass's results (which hold every statistic of the same request)
     */
    public record LaterHistogram(String tensor, Function<Map<StatisticSpec, StatResult>, HistogramSpec> edges) {
    }

    /** Exactly {@code specs}, as values. */
    public static StatisticsRequest of(Collection<StatisticSpec> specs) {
        return specs.isEmpty() ? NONE : new StatisticsRequest(new ArrayList<>(specs), List.of(), List.of(),
                Use.VALUES, false);
    }

    /** The run's calibration statistics: quantization ranges and the histograms some of them come from. */
    public static StatisticsRequest calibration(Collection<StatisticSpec> specs, List<HistogramSpec> histograms,
                                                List<LaterHistogram> later) {
        return new StatisticsRequest(new ArrayList<>(specs), histograms, later, Use.RANGES, true);
    }

    public boolean isEmpty() {
        return specs.isEmpty() && histograms.isEmpty() && later.isEmpty();
    }

    /** The tensors whose histograms are asked for (both kinds), in request order. */
    public List<String> histogramTensors() {
        List<String> out = new ArrayList<>();
        histograms.forEach(h -> out.add(h.tensor()));
        later.forEach(h -> out.add(h.tensor()));
        return out;
    }
}
