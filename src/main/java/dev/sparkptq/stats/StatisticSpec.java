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
 * <p>Specs sort by tensor, then statistic, then channel axis, then aggregation (both enums in declaration order),
 * then clipping value (none first). The order is total and explicit so that result maps, caches and logs are
 * identical from run to run, and so that specs sharing a reduction (same tensor, statistic and axis) are adjacent.
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
 * @param clippingValue POT's {@code clipping_value} (see {@link PerSampleStat#clip}), or {@code null} for none
 */
public record StatisticSpec(String tensor, PerSampleStat stat, int channelAxis, Aggregation aggregation,
                            Double clippingValue) implements Serializable, Comparable<StatisticSpec> {

    private static final Comparator<StatisticSpec> ORDER = Comparator.comparing(StatisticSpec::tensor)
            .thenComparing(StatisticSpec::stat)
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

    @Override
    public int compareTo(StatisticSpec o) {
        return ORDER.compare(this, o);
    }
}
