package dev.sparkptq.config;

import dev.sparkptq.config.RangeEstimatorDefaults.EstimatorPreset;
import dev.sparkptq.config.RangeEstimatorDefaults.TensorRole;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;

import java.util.Optional;

/**
 * Binds one {@code range_estimator} block: starts from {@link RangeEstimatorDefaults} for the block's role,
 * granularity, mode and preset, then lets each explicitly given {@code min}/{@code max} field replace the default
 * field by field (POT's merge). Every POT type ({@code min, max, abs_max, quantile, abs_quantile}), aggregator
 * ({@code mean, max, min, median, mean_no_outliers, median_no_outliers, hl_estimator}) and preset ({@code default,
 * quantile}) is accepted; what is rejected is what contradicts itself: {@code outlier_prob} outside (0, 0.5) or on
 * a non-quantile type, an aggregator on weights, a min side on symmetric weights.
 */
final class RangeEstimatorBinder {
    static final KeySpec KEYS = KeySpec.of("preset", "min", "max", HistogramEstimatorBinder.KEY);
    static final KeySpec STAT_KEYS = KeySpec.of("type", "aggregator", "clipping_value", "outlier_prob");

    private static final Choices<EstimatorPreset> PRESETS = Choices.<EstimatorPreset>builder()
            .value("default", EstimatorPreset.DEFAULT).value("quantile", EstimatorPreset.QUANTILE)
            .value("histogram", EstimatorPreset.HISTOGRAM).build();
    private static final Choices<StatType> TYPES = Choices.<StatType>builder()
            .value("min", StatType.MIN).value("max", StatType.MAX).value("abs_max", StatType.ABS_MAX)
            .value("quantile", StatType.QUANTILE).value("abs_quantile", StatType.ABS_QUANTILE).build();
    private static final Choices<Aggregator> AGGREGATORS = Choices.<Aggregator>builder()
            .value("mean", Aggregator.MEAN).value("max", Aggregator.MAX).value("min", Aggregator.MIN)
            .value("median", Aggregator.MEDIAN).value("mean_no_outliers", Aggregator.MEAN_NO_OUTLIERS)
            .value("median_no_outliers", Aggregator.MEDIAN_NO_OUTLIERS).value("hl_estimator", Aggregator.HL_ESTIMATOR)
            .build();

    static final ConfigKeys.Section DOCS = ConfigKeys.section(
                    "compression.algorithms[].params.<weights|activations>.range_estimator", KEYS)
            .key("preset", PRESETS, "`default`", "`default`: POT's min/max table; `quantile`: quantile "
                    + "statistics with `outlier_prob` 1e-4; `histogram` (activations): the range is picked on "
                    + "histograms (counted in the statistics pass unless `histogram.edges` is `extremes`)")
            .key("min", "object", "from the preset", "the min side's statistic (not for symmetric weights)")
            .key("max", "object", "from the preset", "the max side's statistic")
            .key(HistogramEstimatorBinder.KEY, "object", "`method` mse, 2048 bins", "(preset histogram) the "
                    + "histogram search");
    static final ConfigKeys.Section STAT_DOCS = ConfigKeys.section(
                    "compression.algorithms[].params.<weights|activations>.range_estimator.<min|max>", STAT_KEYS)
            .key("type", TYPES, "from the preset", "the statistic of one sample's values")
            .key("aggregator", AGGREGATORS, "from the preset", "(activations) how per-sample values combine")
            .key("clipping_value", "number", "none", "clips each per-sample statistic on its side")
            .key("outlier_prob", "number in (0, 0.5)", "1e-4", "tail probability of `quantile`/`abs_quantile`");

    private RangeEstimatorBinder() {
    }

    /** The resolved estimator of the scheme block {@code block}. */
    static RangeEstimatorSpec bind(ObjectView block, TensorRole role, Granularity granularity, QuantScheme mode) {
        ObjectView re = block.section("range_estimator", KEYS);
        EstimatorPreset preset = re.choice("preset", PRESETS).orElse(EstimatorPreset.DEFAULT);
        if (preset == EstimatorPreset.HISTOGRAM) {
            return HistogramEstimatorBinder.bind(re, block, role, granularity);
        }
        HistogramEstimatorBinder.rejectWithoutPreset(re);
        RangeEstimatorSpec defaults = RangeEstimatorDefaults.of(role, granularity, mode, preset);
        if (defaults.min() == null && re.has("min")) {
            re.problem("min", "symmetric weights use only max (abs_max), remove min or set mode to asymmetric");
        }
        StatisticSpec min = side(re, "min", defaults.min(), role);
        StatisticSpec max = side(re, "max", defaults.max(), role);
        return new RangeEstimatorSpec(min, max);
    }

    private static StatisticSpec side(ObjectView re, String key, StatisticSpec fallback, TensorRole role) {
        Optional<ObjectView> given = re.object(key, STAT_KEYS);
        if (given.isEmpty() || fallback == null) {
            return fallback;
        }
        ObjectView s = given.get();
        Optional<StatType> explicitType = s.choice("type", TYPES);
        StatType type = explicitType.orElse(fallback.type());
        Aggregator aggregator = fallback.aggregator();
        if (role == TensorRole.WEIGHTS && s.has("aggregator")) {
            s.problem("aggregator", "weights have no samples to aggregate, remove aggregator");
        } else {
            aggregator = s.choice("aggregator", AGGREGATORS).orElse(aggregator);
        }
        Double clipping = s.number("clipping_value").orElse(fallback.clippingValue());
        Double outlierProb = outlierProb(s, type, explicitType.isPresent() || !s.has("type"), fallback);
        return new StatisticSpec(type, aggregator, clipping, outlierProb);
    }

    private static Double outlierProb(ObjectView s, StatType type, boolean typeKnown, StatisticSpec fallback) {
        if (!s.has("outlier_prob")) {
            if (!RangeEstimatorDefaults.isQuantile(type)) {
                return null;
            }
            return fallback.outlierProb() != null ? fallback.outlierProb() : RangeEstimatorDefaults.DEFAULT_OUTLIER_PROB;
        }
        Optional<Double> p = s.number("outlier_prob");
        if (p.isPresent() && !(p.get() > 0 && p.get() < 0.5)) {
            s.problem("outlier_prob", "must be in (0, 0.5), got " + p.get());
            return null;
        }
        if (typeKnown && !RangeEstimatorDefaults.isQuantile(type)) {
            s.problem("outlier_prob", "only applies to types quantile and abs_quantile, not to "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + ", remove it");
            return null;
        }
        return p.orElse(null);
    }
}
