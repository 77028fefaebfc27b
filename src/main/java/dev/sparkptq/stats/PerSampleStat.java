package dev.sparkptq.stats;

/**
 * The statistic taken over one sample's values (for one channel, or for the whole sample).
 *
 * <p>Each statistic bounds one {@link Side} of a range, which fixes the direction of POT's {@code clipping_value}.
 * Quantile statistics ({@code QUANTILE}, {@code ABS_QUANTILE}) are expected to join later; they will need a
 * probability, which will become an extra (nullable) component of {@link StatisticSpec}, not a field of this enum.
 */
public enum PerSampleStat {
    /** Smallest finite value. */
    MIN(Side.LOW),
    /** Largest finite value. */
    MAX(Side.HIGH),
    /** Largest absolute finite value. */
    ABS_MAX(Side.HIGH);

    /** Which end of a range a statistic estimates. */
    public enum Side { LOW, HIGH }

    private final Side side;

    PerSampleStat(Side side) {
        this.side = side;
    }

    public Side side() {
        return side;
    }

    /**
     * Applies POT's {@code clipping_value} {@code c} to one per-sample statistic {@code v}, read as "clip the
     * activations at {@code c} on this statistic's side before taking it": high-side statistics become
     * {@code min(v, c)} (e.g. {@code c = 6} caps a ReLU6 range at 6), low-side statistics become {@code max(v, c)}
     * (e.g. {@code c = 0} lifts a negative minimum to 0). Taking the statistic of clipped activations and clipping
     * the statistic give the same number, so clipping the small per-sample vector is exact and cheap.
     *
     * @param v            per-sample statistic (NaN stays NaN)
     * @param clippingValue the clip, or NaN for none
     */
    public double clip(double v, double clippingValue) {
        if (Double.isNaN(clippingValue) || Double.isNaN(v)) {
            return v;
        }
        return side == Side.HIGH ? Math.min(v, clippingValue) : Math.max(v, clippingValue);
    }
}
