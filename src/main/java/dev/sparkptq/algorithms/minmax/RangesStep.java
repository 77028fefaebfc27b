package dev.sparkptq.algorithms.minmax;

import dev.sparkptq.calibration.HistogramRanges;
import dev.sparkptq.calibration.RangeEstimators;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.StatisticsRequest.LaterHistogram;
import dev.sparkptq.step.Step;
import dev.sparkptq.stats.HistogramSpec;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * MinMax's statistics and quantizer parameters: every measured activation's range statistics (and the histogram its
 * estimator reads, when it has one) are the run's calibration statistics; the range of each quantizer, then its scale
 * and zero point, follow from them ({@link RangeParameters}).
 */
public final class RangesStep implements Step {
    @Override
    public String name() {
        return "ranges";
    }

    /** Throws ConfigException for a histogram estimator the plan cannot use, before any pass runs. */
    @Override
    public StatisticsRequest statistics(ModelState state) {
        return state.hasPlan() ? request(state.plan()) : StatisticsRequest.NONE;
    }

    /** The calibration statistics of {@code plan} (what a run of it collects). */
    public static StatisticsRequest request(QuantizationPlan plan) {
        Set<StatisticSpec> specs = new TreeSet<>();
        List<QuantizationPoint> histogramPoints = new ArrayList<>();
        for (QuantizationPoint p : plan.measuredActivations()) {
            specs.addAll(RangeEstimators.requiredStatistics(p.tensor(), p.spec(), p.channelAxis()));
            if (HistogramRanges.applies(p.spec())) {
                HistogramRanges.validate(p.tensor(), p.spec());
                histogramPoints.add(p);
            }
        }
        histogramPoints.sort(Comparator.comparing(QuantizationPoint::tensor));
        List<HistogramSpec> grid = new ArrayList<>();
        List<LaterHistogram> later = new ArrayList<>();
        for (QuantizationPoint p : histogramPoints) {
            if (HistogramRanges.onePass(p.spec())) {
                grid.add(HistogramRanges.gridSpec(p.tensor(), p.spec()));
            } else { // bin edges from the pass-1 extremes
                later.add(new LaterHistogram(p.tensor(), pass1 -> HistogramRanges.histogramSpec(p.tensor(), p.spec(),
                        RangeEstimators.activationRange(p.tensor(), p.spec(), p.channelAxis(), pass1))));
            }
        }
        return StatisticsRequest.calibration(specs, grid, later);
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        return state.withParameters(RangeParameters.compute(state.plan(), state.graph(), statistics.results(),
                statistics.histograms()));
    }
}
