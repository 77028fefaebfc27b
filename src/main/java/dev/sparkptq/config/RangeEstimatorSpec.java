package dev.sparkptq.config;

import java.io.Serializable;

/**
 * POT's {@code range_estimator}: how the low and the high end of a range are estimated. Resolved from POT's
 * defaults (ptq-tools.md §1.4) when the config gives none. {@code min} is {@code null} for symmetric weights
 * (only {@code abs_max} is needed).
 *
 * @param histogram {@code null}, or for {@code "preset": "histogram"} how the range is chosen on a histogram of the
 *                  activation values; {@code min}/{@code max} are then the exact extremes that fix its edges
 */
public record RangeEstimatorSpec(StatisticSpec min, StatisticSpec max, HistogramEstimatorSpec histogram)
        implements Serializable {

    /** An estimator from statistics alone (no histogram). */
    public RangeEstimatorSpec(StatisticSpec min, StatisticSpec max) {
        this(min, max, null);
    }

    /**
     * One side of a range: a per-sample statistic, then an aggregator across samples.
     *
     * @param type          per-sample statistic
     * @param aggregator    across samples ({@code null} for weights, which have no samples)
     * @param clippingValue POT's {@code clipping_value}: each per-sample statistic is clipped as if the activations were
     *                      clipped at this value on that side (high side: {@code min(v, c)}, low side: {@code max(v, c)}),
     *                      or null
     * @param outlierProb   for quantile types: the tail probability cut off
     */
    public record StatisticSpec(StatType type, Aggregator aggregator, Double clippingValue, Double outlierProb)
            implements Serializable {
    }

    public enum StatType { MIN, MAX, ABS_MAX, QUANTILE, ABS_QUANTILE }

    public enum Aggregator { MEAN, MAX, MIN, MEDIAN, MEAN_NO_OUTLIERS, MEDIAN_NO_OUTLIERS, HL_ESTIMATOR }
}
