package dev.sparkptq.stats;

/**
 * How per-sample statistics are combined across the calibration samples (POT's {@code aggregator}).
 *
 * <p>Each value must be computable by a mergeable accumulator ({@link StatAccumulator#create}); order-dependent
 * aggregators such as moving averages are deliberately absent. MEDIAN, MEAN_NO_OUTLIERS, MEDIAN_NO_OUTLIERS and
 * HL_ESTIMATOR are expected to join later as sketch-backed accumulators (a quantile sketch over the per-sample
 * values, which are few per channel).
 */
public enum Aggregation {
    /** Smallest per-sample value. */
    MIN,
    /** Largest per-sample value. */
    MAX,
    /** Arithmetic mean of the per-sample values (compensated summation). */
    MEAN
}
