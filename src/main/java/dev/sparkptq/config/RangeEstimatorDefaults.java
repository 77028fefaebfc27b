package dev.sparkptq.config;

import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;

/**
 * POT's default range estimators (ptq-tools.md §1.4): what {@code range_estimator} means when the config gives
 * none, or gives only some fields. Pure table lookup, kept apart from the loader so the table itself is testable.
 *
 * <pre>
 * activations pertensor  symmetric : min = min of per-sample min   max = mean of per-sample abs_max
 * activations pertensor  asymmetric: min = mean of min             max = mean of max
 * activations perchannel symmetric : min = min of min              max = max of abs_max
 * activations perchannel asymmetric: min = min of min              max = max of max
 * weights                symmetric : (no min)                      max = abs_max
 * weights                asymmetric: min = min                     max = max
 * </pre>
 * The {@code quantile} preset swaps min/max for quantile and abs_max for abs_quantile, with
 * {@link #DEFAULT_OUTLIER_PROB}, keeping the aggregators — except the min side of symmetric activations, which stays
 * {@code min} of per-sample {@code min}: POT's {@code QUANTILE_ACTIVATIONS_RANGE_ESTIMATOR_CONFIG}
 * ({@code algorithms/quantization/range_estimator.py}) keeps it, since in symmetric mode that side only decides
 * whether the range is signed, and a quantile would call a tensor with rare negative values unsigned.
 */
public final class RangeEstimatorDefaults {
    /** POT's default tail probability for quantile statistics. */
    public static final double DEFAULT_OUTLIER_PROB = 1e-4;

    /** Which tensors a scheme applies to; weights have no samples, hence no aggregator. */
    public enum TensorRole { WEIGHTS, ACTIVATIONS }

    /** POT's {@code range_estimator.preset}, plus {@code histogram} (bound by HistogramEstimatorBinder). */
    public enum EstimatorPreset { DEFAULT, QUANTILE, HISTOGRAM }

    private RangeEstimatorDefaults() {
    }

    /** The default estimator for a tensor role, granularity and mode under a preset. */
    public static RangeEstimatorSpec of(TensorRole role, Granularity granularity, QuantScheme mode,
                                        EstimatorPreset preset) {
        RangeEstimatorSpec base = role == TensorRole.WEIGHTS ? weights(mode) : activations(granularity, mode);
        if (preset == EstimatorPreset.DEFAULT) {
            return base;
        }
        boolean keepMin = role == TensorRole.ACTIVATIONS && mode == QuantScheme.SYMMETRIC;
        return new RangeEstimatorSpec(keepMin ? base.min() : toQuantile(base.min()), toQuantile(base.max()));
    }

    private static RangeEstimatorSpec weights(QuantScheme mode) {
        return mode == QuantScheme.SYMMETRIC
                ? new RangeEstimatorSpec(null, stat(StatType.ABS_MAX, null))
                : new RangeEstimatorSpec(stat(StatType.MIN, null), stat(StatType.MAX, null));
    }

    private static RangeEstimatorSpec activations(Granularity granularity, QuantScheme mode) {
        boolean perTensor = granularity == Granularity.PER_TENSOR;
        if (mode == QuantScheme.SYMMETRIC) {
            return perTensor
                    ? new RangeEstimatorSpec(stat(StatType.MIN, Aggregator.MIN), stat(StatType.ABS_MAX, Aggregator.MEAN))
                    : new RangeEstimatorSpec(stat(StatType.MIN, Aggregator.MIN), stat(StatType.ABS_MAX, Aggregator.MAX));
        }
        return perTensor
                ? new RangeEstimatorSpec(stat(StatType.MIN, Aggregator.MEAN), stat(StatType.MAX, Aggregator.MEAN))
                : new RangeEstimatorSpec(stat(StatType.MIN, Aggregator.MIN), stat(StatType.MAX, Aggregator.MAX));
    }

    private static StatisticSpec stat(StatType type, Aggregator aggregator) {
        return new StatisticSpec(type, aggregator, null, null);
    }

    private static StatisticSpec toQuantile(StatisticSpec s) {
        if (s == null) {
            return null;
        }
        StatType type = s.type() == StatType.ABS_MAX ? StatType.ABS_QUANTILE : StatType.QUANTILE;
        return new StatisticSpec(type, s.aggregator(), s.clippingValue(), DEFAULT_OUTLIER_PROB);
    }

    /** True for the statistic types that take an {@code outlier_prob}. */
    public static boolean isQuantile(StatType type) {
        return type == StatType.QUANTILE || type == StatType.ABS_QUANTILE;
    }
}
