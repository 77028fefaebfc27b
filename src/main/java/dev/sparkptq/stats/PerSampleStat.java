package dev.sparkptq.stats;

/**
 * The statistic taken over one sample's finite values (for one channel, or for the whole sample): POT's
 * {@code range_estimator.min/max.type}. Every statistic is computed exactly from the sample's values.
 *
 * <p>Each statistic bounds one {@link Side} of a range, which fixes the direction of POT's {@code clipping_value}.
 * The quantile statistics take a probability {@code q}, which is a component of {@link StatisticSpec} (not of this
 * enum): POT asks for {@code quantile} at {@code q = outlier_prob} on the min side and at {@code q = 1 - outlier_prob}
 * on the max side, and for {@code abs_quantile} at {@code q = 1 - outlier_prob}.
 *
 * <p>Cost per sample: MIN, MAX and ABS_MAX are one branch-free pass ({@link PerSampleReducer}); the quantiles copy the
 * sample's finite values into a scratch array and select the needed order statistics with quickselect, O(n) expected,
 * never a full sort.
 */
public enum PerSampleStat {
    /** Smallest finite value. */
    MIN,
    /** Largest finite value. */
    MAX,
    /** Largest absolute finite value. */
    ABS_MAX,
    /**
     * The {@code q}-quantile of the finite values, with numpy's default ("linear", Hyndman–Fan type 7) rule: for the
     * sorted values {@code x[0..n-1]}, {@code h = (n - 1) q}, and the result interpolates between {@code x[floor(h)]}
     * and {@code x[floor(h) + 1]} with weight {@code h - floor(h)} exactly as {@code numpy.quantile} does (see
     * {@code OrderStatistics.interpolate}), evaluated in double precision. Example: values 1, 2, 3, 4 and
     * {@code q = 0.1} give {@code h = 0.3}, result 1.3. A low side when {@code q < 0.5}, else a high side.
     */
    QUANTILE,
    /** The {@code q}-quantile (same rule as {@link #QUANTILE}) of the absolute finite values; always a high side. */
    ABS_QUANTILE,
    /**
     * Arithmetic mean of the finite values (accumulated in double). Not a range bound: bias correction asks for it
     * (per channel, aggregated with {@link Aggregation#MEAN}) to compare FP32 and quantized output means. It reports
     * the HIGH side only so that every statistic has one; a mean is never clipped.
     */
    MEAN;

    /** Which end of a range a statistic estimates. */
    public enum Side {
        LOW, HIGH;

        /**
         * Applies POT's {@code clipping_value} {@code c} to one per-sample statistic {@code v}, read as "clip the
         * activations at {@code c} on this side before taking the statistic": a high side becomes {@code min(v, c)}
         * (e.g. {@code c = 6} caps a ReLU6 range at 6), a low side {@code max(v, c)} (e.g. {@code c = 0} lifts a
         * negative minimum to 0). For MIN/MAX/ABS_MAX, taking the statistic of clipped activations and clipping the
         * statistic give the same number; for an interpolated quantile they differ only when {@code c} falls between
         * the two interpolated values, and the statistic is clipped.
         *
         * @param v             per-sample statistic (NaN stays NaN)
         * @param clippingValue the clip, or NaN for none
         */
        public double clip(double v, double clippingValue) {
            if (Double.isNaN(clippingValue) || Double.isNaN(v)) {
                return v;
            }
            return this == HIGH ? Math.min(v, clippingValue) : Math.max(v, clippingValue);
        }
    }

    /** True for the statistics that take a quantile probability. */
    public boolean needsProbability() {
        return this == QUANTILE || this == ABS_QUANTILE;
    }

    /**
     * The side this statistic bounds.
     *
     * @param probability the quantile probability for {@link #QUANTILE} ({@code < 0.5} is the low side); ignored (may
     *                    be NaN) for the others
     */
    public Side side(double probability) {
        return switch (this) {
            case MIN -> Side.LOW;
            case MAX, ABS_MAX, ABS_QUANTILE, MEAN -> Side.HIGH;
            case QUANTILE -> probability < 0.5 ? Side.LOW : Side.HIGH;
        };
    }
}
