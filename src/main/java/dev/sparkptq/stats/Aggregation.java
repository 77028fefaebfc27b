package dev.sparkptq.stats;

/**
 * How per-sample statistics are combined across the calibration samples (POT's {@code aggregator}, definitions from
 * POT's {@code statistics/functions/aggregation.py}). Each one is applied per channel to the per-sample values that
 * are finite; order-dependent aggregators such as moving averages are deliberately absent.
 *
 * <p><b>Exactness and memory.</b> MIN, MAX and MEAN keep O(1) per channel and are exact (MEAN up to the last bits of
 * a compensated sum). The four robust aggregators need the whole distribution: they keep every per-sample value
 * exactly (8 bytes each) while a channel has at most 10,000 of them, and the result is then exact and independent of
 * the partitioning, bit for bit. Beyond that limit the channel switches to a DataSketches REQ sketch (k = 50, about
 * 12–35 KB per channel) and the aggregator is applied to 2048 quantiles of the sketch at evenly spaced ranks. The
 * resulting error bounds are listed per value below, with ε = 0.005 the sketch's normalized rank error (REQ's own
 * three-standard-deviation bound at k = 50: 0.0039 at the median, 0.005 at its inaccurate end, 0.0001 near its
 * accurate end; measured worst over 1000 ranks of 2·10⁶ Gaussian values: 0.0045) and g = 1/2048. A rank bound δ
 * means: the result lies between the exact order statistics at the target rank ± δ (as a fraction of the count).
 */
public enum Aggregation {
    /** Smallest per-sample value. Exact; O(1) per channel. */
    MIN,
    /** Largest per-sample value. Exact; O(1) per channel. */
    MAX,
    /** Arithmetic mean of the per-sample values (compensated summation). Exact to ~1e-16 relative; O(1). */
    MEAN,
    /**
     * {@code numpy.median}: the middle value, or the mean {@code (a + b) / 2} of the two middle values. Exact up to
     * the limit; above it within rank ε + g of the median.
     */
    MEDIAN,
    /**
     * POT's {@code no_outliers_estimator(np.mean, x, alpha=0.01)}: the mean of the values {@code v} with
     * {@code q01 <= v <= q99}, where {@code q01} and {@code q99} are the linear 0.01 and 0.99 quantiles (the rule of
     * {@link PerSampleStat#QUANTILE}) of all the values. The kept values are summed in sorted order with a compensated
     * sum, so the result is exact and bit-identical for every partitioning up to the limit. Above it the error is at
     * most 4 (ε + g) times the spread of the kept band. With two distinct values nothing lies inside the band (POT
     * returns NaN); the plain mean is returned instead.
     */
    MEAN_NO_OUTLIERS,
    /**
     * As {@link #MEAN_NO_OUTLIERS} with {@code numpy.median} of the kept values. Exact up to the limit; above it
     * within rank 2 (ε + g) of the kept values' median.
     */
    MEDIAN_NO_OUTLIERS,
    /**
     * Hodges–Lehmann estimator as POT computes it: {@code 0.5 * median(x_i + x_j)} over the pairs {@code i < j}
     * (POT takes {@code np.tril_indices(n, -1)}, which excludes {@code i = j}). Found without materialising the
     * n(n-1)/2 Walsh sums: a binary search over doubles counts the pairs below a candidate in O(n) per step
     * (see {@code OrderStatistics.hodgesLehmann}). Exact up to the limit; above it within Walsh-rank 2 (ε + g) + 3g. A
     * single value is returned as is (POT's formula has no pair and gives NaN).
     */
    HL_ESTIMATOR;

    /** True for the aggregators that keep the per-sample values (or a sketch of them) instead of a running summary. */
    public boolean needsDistribution() {
        return this == MEDIAN || this == MEAN_NO_OUTLIERS || this == MEDIAN_NO_OUTLIERS || this == HL_ESTIMATOR;
    }
}
