package dev.sparkptq.stats;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * What to measure: one per-sample statistic of one tensor, per tensor or per channel, aggregated across samples.
 *
 * <p>Example: the default POT estimator for a per-tensor symmetric activation {@code conv1_out} asks for
 * {@code (conv1_out, MIN, -1, MIN, null)} and {@code (conv1_out, ABS_MAX, -1, MEAN, null)}.
 *
 * <p>A quantile statistic carries its probability {@code q}: POT's {@code quantile} on the min side with
 * {@code outlier_prob = 1e-4} is {@code (t, QUANTILE, axis, agg, clip, 1e-4)}, on the max side
 * {@code (t, QUANTILE, axis, agg, clip, 0.9999)}.
 *
 * <p>Specs sort by tensor, then statistic, then probability (none first), then channel axis, then aggregation (both
 * enums in declaration order), then clipping value (none first). The order is total and explicit so that result
 * maps, caches and logs are identical from run to run, and so that specs sharing a reduction (same tensor, statistic,
 * probability and axis) are adjacent.
 *
 * <p>Kryo 4 cannot write record fields: a spec shipped through Spark needs Java serialization (it is
 * {@link Serializable}); {@link StatisticsSet} stores its specs as plain arrays for that reason.
 *
 * @param tensor        name of the activation tensor
 * @param stat          per-sample statistic
 * @param channelAxis   axis of the full activation tensor, batch axis 0 included (1 for NCHW channels), or -1 for
 *                      per tensor; the rank must be resolved before, so -1 is the only negative value allowed and
 *                      0 (the batch axis) is rejected
 * @param aggregation   how per-sample values are combined
 * @param clippingValue POT's {@code clipping_value} (see {@link PerSampleStat.Side#clip}), or {@code null} for none
 * @param probability   the quantile probability {@code q} in [0, 1] of QUANTILE and ABS_QUANTILE (required for them),
 *                      {@code null} for the other statistics
 */
public record StatisticSpec(String tensor, PerSampleStat stat, int channelAxis, Aggregation aggregation,
                            Double clippingValue, Double probability)
        implements Serializable, Comparable<StatisticSpec> {

    private static final Comparator<StatisticSpec> ORDER = Comparator.comparing(StatisticSpec::tensor)
            .thenComparing(StatisticSpec::stat)
            .thenComparing(StatisticSpec::probability, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(StatisticSpec::channelAxis)
            .thenComparing(StatisticSpec::aggregation)
            .thenComparing(StatisticSpec::clippingValue, Comparator.nullsFirst(Comparator.naturalOrder()));

    public StatisticSpec {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(stat, "stat");
        Objects.requireNonNull(aggregation, "aggregation");
        if (tensor.isEmpty()) {
            throw new IllegalArgumentException("statistic spec needs a tensor name");
        }
        if (channelAxis < -1 || channelAxis == 0) {
            throw new IllegalArgumentException("channel axis of '" + tensor + "' must be -1 (per tensor) or a "
                    + "resolved non-batch axis >= 1, got " + channelAxis);
        }
        if (clippingValue != null && !Double.isFinite(clippingValue)) {
            throw new IllegalArgumentException("clipping value of '" + tensor + "' must be finite, got "
                    + clippingValue);
        }
        if (stat.needsProbability() != (probability != null)) {
            throw new IllegalArgumentException(stat + " of '" + tensor + "' " + (probability == null
                    ? "needs a quantile probability" : "takes no probability, got " + probability));
        }
        if (probability != null && !(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("quantile probability of '" + tensor + "' must be in [0, 1], got "
                    + probability);
        }
    }

    /** A spec of a statistic without probability (MIN, MAX, ABS_MAX). */
    public StatisticSpec(String tensor, PerSampleStat stat, int channelAxis, Aggregation aggregation,
                         Double clippingValue) {
        this(tensor, stat, channelAxis, aggregation, clippingValue, null);
    }

    /** A per-tensor spec without clipping. */
    public static StatisticSpec perTensor(String tensor, PerSampleStat stat, Aggregation aggregation) {
        return new StatisticSpec(tensor, stat, -1, aggregation, null);
    }

    public boolean perChannel() {
        return channelAxis >= 0;
    }

    /** The clipping value as a primitive, NaN when there is none (the form accumulators store). */
    public double clipOrNaN() {
        return clippingValue == null ? Double.NaN : clippingValue;
    }

    /** The probability as a primitive, NaN when there is none. */
    public double probabilityOrNaN() {
        return probability == null ? Double.NaN : probability;
    }

    /** The side of a range this statistic bounds (decides the clipping direction). */
    public PerSampleStat.Side side() {
        return stat.side(probabilityOrNaN());
    }

    @Override
    public int compareTo(StatisticSpec o) {
        return ORDER.compare(this, o);
    }
}
