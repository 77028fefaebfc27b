package dev.sparkptq.calibration;

import dev.sparkptq.config.RangeEstimatorSpec;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleReducer;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.Reduced;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * POT's range estimators: which statistics a tensor needs, and how their results (or a weight's values) become a
 * {@link Range}.
 *
 * <p>How the two sides combine (POT {@code range_estimator.py} semantics):
 * <ul>
 *   <li><b>Asymmetric</b>: the range is {@code [low, high]} as estimated (an ABS_MAX low side counts as
 *       {@code -abs_max}). Example: mean of per-sample min −0.8, mean of per-sample max 5.9 → {@code [-0.8, 5.9]}.
 *   <li><b>Symmetric</b>: the high side gives the magnitude {@code m} and the low side only decides signedness:
 *       {@code [-m, m]} if any channel's low value is negative (or there is no low side), else {@code [0, m]}.
 *       Example (POT's per-tensor default): min of per-sample min −0.3 and mean of per-sample abs_max 4.0 →
 *       {@code [-4, 4]}; a ReLU output with min 0 → {@code [0, 4]}. When the high side is a plain MAX (it cannot
 *       see negative values) the magnitude is {@code max(|high|, |low|)} so that an all-negative tensor is
 *       still covered.
 * </ul>
 * Signedness is decided per tensor even for per-channel ranges, because one quantizer has one storage type. For
 * per-channel symmetric activations the min side is therefore collected per tensor, as POT's estimator table does
 * ({@code 'granularity': 'pertensor'} on that side).
 *
 * <p>Quantile statistics follow POT's {@code get_tensor_statistics}: {@code quantile} is taken at
 * {@code q = outlier_prob} on the min side and at {@code q = 1 - outlier_prob} on the max side; {@code abs_quantile}
 * at {@code q = 1 - outlier_prob} of {@code |x|} on either side. An ABS_QUANTILE (like an ABS_MAX) min side counts as
 * its negation: POT would take the {@code outlier_prob} quantile of {@code |x|} there, a value near 0 that no range
 * can use as a minimum.
 */
public final class RangeEstimators {

    private RangeEstimators() {
    }

    /**
     * The statistics an activation's range needs: the low side first (absent for estimators without a min, e.g.
     * symmetric with abs_max only), then the high side.
     *
     * @param channelAxis the activation's channel axis (batch axis 0 included); ignored for per-tensor granularity
     */
    public static List<StatisticSpec> requiredStatistics(String tensor, TensorQuantSpec spec, int channelAxis) {
        RangeEstimatorSpec est = estimator(tensor, spec);
        int axis = activationAxis(tensor, spec, channelAxis);
        List<StatisticSpec> out = new ArrayList<>(2);
        if (est.min() != null) {
            out.add(toSpec(tensor, "min", est.min(), lowAxis(spec, axis)));
        }
        out.add(toSpec(tensor, "max", est.max(), axis));
        return out;
    }

    /**
     * The activation range from collected statistics.
     *
     * @param stats results containing at least {@link #requiredStatistics} for this tensor
     */
    public static Range activationRange(String tensor, TensorQuantSpec spec, int channelAxis,
                                        Map<StatisticSpec, StatResult> stats) {
        RangeEstimatorSpec est = estimator(tensor, spec);
        int axis = activationAxis(tensor, spec, channelAxis);
        StatisticSpec highSpec = toSpec(tensor, "max", est.max(), axis);
        double[] high = finiteValues(tensor, highSpec, stats);
        StatisticSpec lowSpec = est.min() == null ? null : toSpec(tensor, "min", est.min(), lowAxis(spec, axis));
        double[] low = lowSpec == null ? null : finiteValues(tensor, lowSpec, stats);
        return combine(tensor, spec.mode(), highSpec.stat(), high, lowSpec == null ? null : lowSpec.stat(), low);
    }

    /**
     * The range of a constant weight, straight from its values (no samples, so no aggregation): the estimator's
     * statistic types and clipping values apply; its aggregators are ignored.
     *
     * @param tensor      initializer name, for messages
     * @param channelAxis the weight's own channel axis (e.g. 0 for Conv OIHW); ignored for per-tensor granularity
     */
    public static Range weightRange(String tensor, Tensor weight, TensorQuantSpec spec, int channelAxis) {
        RangeEstimatorSpec est = estimator(tensor, spec);
        int axis = spec.granularity() == Granularity.PER_TENSOR ? -1 : channelAxis;
        if (axis != -1 && (axis < 0 || axis >= weight.rank())) {
            throw new InternalException("channel axis " + axis + " is not an axis of weight '" + tensor + "' "
                    + weight + "; per-channel weights need an axis in 0.." + (weight.rank() - 1));
        }
        if (weight.dtype() != DType.FLOAT) {
            throw new ModelException("weight '" + tensor + "' is " + weight.dtype() + "; only FLOAT weights are "
                    + "quantized, add the consuming node to ignored.scope");
        }
        long[] shape = weight.shape();
        long[] batched = new long[shape.length + 1];
        batched[0] = 1;
        System.arraycopy(shape, 0, batched, 1, shape.length);
        Tensor asBatch = Tensor.ofFloats(batched, weight.floats());
        int batchAxis = axis == -1 ? -1 : axis + 1;
        PerSampleStat highStat = statOf(est.max().type());
        double[] high = weightStat(tensor, asBatch, highStat, probabilityOf(tensor, "max", est.max()), batchAxis,
                est.max().clippingValue());
        PerSampleStat lowStat = est.min() == null ? null : statOf(est.min().type());
        double[] low = lowStat == null ? null : weightStat(tensor, asBatch, lowStat,
                probabilityOf(tensor, "min", est.min()), batchAxis, est.min().clippingValue());
        return combine(tensor, spec.mode(), highStat, high, lowStat, low);
    }

    private static double[] weightStat(String tensor, Tensor asBatch, PerSampleStat stat, Double probability,
                                       int axis, Double clip) {
        double q = probability == null ? Double.NaN : probability;
        Reduced r = PerSampleReducer.reduce(asBatch, stat, q, axis);
        if (r.nonFinite() > 0) {
            throw new ModelException("weight '" + tensor + "' contains " + r.nonFinite() + " NaN/Inf values; fix "
                    + "the model (re-export it) or add the consuming node to ignored.scope");
        }
        double[] v = r.values()[0];
        double c = clip == null ? Double.NaN : clip;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                throw new ModelException("weight '" + tensor + "' has no values" + (v.length > 1 ? " in channel "
                        + i : "") + "; an empty weight cannot be quantized, add its node to ignored.scope");
            }
            v[i] = stat.side(q).clip(v[i], c);
        }
        return v;
    }

    /** Combines estimated sides into a range; see the class comment. */
    static Range combine(String tensor, QuantScheme mode, PerSampleStat highStat, double[] high,
                         PerSampleStat lowStat, double[] low) {
        boolean absLow = lowStat == PerSampleStat.ABS_MAX || lowStat == PerSampleStat.ABS_QUANTILE;
        double[] lowSigned = low == null ? null : broadcast(tensor, absLow ? negate(low) : low, high.length);
        if (mode == QuantScheme.ASYMMETRIC) {
            if (lowSigned == null) {
                throw new ConfigException("asymmetric quantization of '" + tensor + "' needs a min range estimator; "
                        + "add range_estimator.min (e.g. type min, aggregator mean)");
            }
            for (int i = 0; i < high.length; i++) {
                if (lowSigned[i] > high[i]) {
                    throw new DataException("estimated min " + lowSigned[i] + " exceeds max " + high[i] + " for '"
                            + tensor + "'" + (high.length > 1 ? " channel " + i : "") + "; use aggregator min for "
                            + "the min side and mean or max for the max side");
                }
            }
            return new Range(lowSigned, high);
        }
        boolean signed = lowSigned == null || Arrays.stream(lowSigned).anyMatch(v -> v < 0);
        boolean signedHigh = highStat == PerSampleStat.MAX || highStat == PerSampleStat.QUANTILE;
        double[] lo = new double[high.length];
        double[] hi = new double[high.length];
        for (int i = 0; i < high.length; i++) {
            double m = Math.abs(high[i]);
            if (signedHigh && lowSigned != null) {
                m = Math.max(m, Math.abs(lowSigned[i]));
            }
            hi[i] = m;
            lo[i] = signed ? -m : 0.0;
        }
        return new Range(lo, hi);
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static double[] broadcast(String tensor, double[] v, int n) {
        if (v.length == n) {
            return v;
        }
        if (v.length != 1) {
            throw new InternalException("min side of '" + tensor + "' has " + v.length + " values but max side has "
                    + n + "; both sides must share the granularity");
        }
        double[] out = new double[n];
        Arrays.fill(out, v[0]);
        return out;
    }

    private static double[] finiteValues(String tensor, StatisticSpec s, Map<StatisticSpec, StatResult> stats) {
        StatResult r = stats.get(s);
        if (r == null) {
            throw new InternalException("statistic " + s + " of '" + tensor + "' was not collected; the pipeline "
                    + "must request RangeEstimators.requiredStatistics before estimating ranges");
        }
        double[] v = r.values();
        if (v.length == 0) {
            throw new DataException("tensor " + tensor + " saw no calibration samples; check the input data");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new DataException("tensor " + tensor + (v.length > 1 ? " channel " + i : "") + " produced "
                        + "only NaN/Inf on all " + r.samples() + " calibration samples; check the input data");
            }
        }
        return v;
    }

    private static RangeEstimatorSpec estimator(String tensor, TensorQuantSpec spec) {
        RangeEstimatorSpec est = spec.rangeEstimator();
        if (est == null || est.max() == null) {
            throw new ConfigException("no max range estimator resolved for '" + tensor + "'; give "
                    + "range_estimator.max or use a preset");
        }
        return est;
    }

    private static int activationAxis(String tensor, TensorQuantSpec spec, int channelAxis) {
        if (spec.granularity() == Granularity.PER_TENSOR) {
            return -1;
        }
        if (channelAxis < 1) {
            throw new InternalException("per-channel activation '" + tensor + "' needs a resolved channel axis >= 1"
                    + " (axis 0 is the batch), got " + channelAxis);
        }
        return channelAxis;
    }

    /** POT collects the min side of per-channel symmetric activations per tensor (it only decides the sign). */
    private static int lowAxis(TensorQuantSpec spec, int axis) {
        return spec.mode() == QuantScheme.SYMMETRIC ? -1 : axis;
    }

    private static StatisticSpec toSpec(String tensor, String side, RangeEstimatorSpec.StatisticSpec s, int axis) {
        if (s.aggregator() == null) {
            throw new ConfigException("range_estimator." + side + " of activation '" + tensor + "' has no "
                    + "aggregator; set one of mean, max, min, median, mean_no_outliers, median_no_outliers, "
                    + "hl_estimator");
        }
        return new StatisticSpec(tensor, statOf(s.type()), axis, aggregationOf(s.aggregator()), s.clippingValue(),
                probabilityOf(tensor, side, s));
    }

    static PerSampleStat statOf(StatType t) {
        return switch (t) {
            case MIN -> PerSampleStat.MIN;
            case MAX -> PerSampleStat.MAX;
            case ABS_MAX -> PerSampleStat.ABS_MAX;
            case QUANTILE -> PerSampleStat.QUANTILE;
            case ABS_QUANTILE -> PerSampleStat.ABS_QUANTILE;
        };
    }

    /**
     * The quantile probability of one side (POT's {@code get_tensor_statistics}): {@code outlier_prob} for a
     * {@code quantile} min side, {@code 1 - outlier_prob} for a {@code quantile} max side and for
     * {@code abs_quantile}; null for the other types.
     */
    static Double probabilityOf(String tensor, String side, RangeEstimatorSpec.StatisticSpec s) {
        if (s.type() != StatType.QUANTILE && s.type() != StatType.ABS_QUANTILE) {
            return null;
        }
        Double p = s.outlierProb();
        if (p == null || !(p > 0 && p < 0.5)) {
            throw new ConfigException("range_estimator." + side + " of '" + tensor + "' is "
                    + s.type().name().toLowerCase(Locale.ROOT) + " with outlier_prob " + p + "; set outlier_prob "
                    + "in (0, 0.5), e.g. 1e-4");
        }
        return s.type() == StatType.QUANTILE && side.equals("min") ? p : 1 - p;
    }

    static Aggregation aggregationOf(Aggregator a) {
        return switch (a) {
            case MIN -> Aggregation.MIN;
            case MAX -> Aggregation.MAX;
            case MEAN -> Aggregation.MEAN;
            case MEDIAN -> Aggregation.MEDIAN;
            case MEAN_NO_OUTLIERS -> Aggregation.MEAN_NO_OUTLIERS;
            case MEDIAN_NO_OUTLIERS -> Aggregation.MEDIAN_NO_OUTLIERS;
            case HL_ESTIMATOR -> Aggregation.HL_ESTIMATOR;
        };
    }
}
