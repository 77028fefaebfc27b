package dev.sparkptq.config;

import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole POT range-estimator menu is accepted and resolved from JSON (ptq-tools.md §1.3–1.4). */
class RangeEstimatorConfigTest extends ConfigTestBase {
    private static StatisticSpec stat(StatType type, Aggregator aggregator, Double outlierProb) {
        return new StatisticSpec(type, aggregator, null, outlierProb);
    }

    @Test
    void quantilePresetResolvesLikePotForActivationsOfBothPresetsAndForWeights() {
        QuantizationParams performance = fx.params("""
                "preset": "performance",
                "weights": { "range_estimator": { "preset": "quantile" } },
                "activations": { "range_estimator": { "preset": "quantile" } }""");
        assertEquals(new RangeEstimatorSpec(stat(StatType.MIN, Aggregator.MIN, null),
                stat(StatType.ABS_QUANTILE, Aggregator.MEAN, 1e-4)), performance.activations().rangeEstimator());
        assertEquals(new RangeEstimatorSpec(null, stat(StatType.ABS_QUANTILE, null, 1e-4)),
                performance.weights().rangeEstimator());
        QuantizationParams mixed = fx.params("""
                "preset": "mixed",
                "activations": { "granularity": "perchannel", "range_estimator": { "preset": "quantile" } }""");
        assertEquals(new RangeEstimatorSpec(stat(StatType.QUANTILE, Aggregator.MIN, 1e-4),
                stat(StatType.QUANTILE, Aggregator.MAX, 1e-4)), mixed.activations().rangeEstimator());
    }

    @Test
    void explicitFieldsOverrideTheQuantilePresetFieldByField() {
        QuantizationParams p = fx.params("""
                "preset": "mixed",
                "activations": { "range_estimator": { "preset": "quantile",
                    "max": { "outlier_prob": 0.001, "aggregator": "hl_estimator" },
                    "min": { "type": "min" } } }""");
        assertEquals(new RangeEstimatorSpec(stat(StatType.MIN, Aggregator.MEAN, null),
                stat(StatType.QUANTILE, Aggregator.HL_ESTIMATOR, 0.001)), p.activations().rangeEstimator());
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({"min, mean, MIN, MEAN", "max, max, MAX, MAX", "abs_max, min, ABS_MAX, MIN",
            "quantile, median, QUANTILE, MEDIAN", "abs_quantile, mean_no_outliers, ABS_QUANTILE, MEAN_NO_OUTLIERS",
            "quantile, median_no_outliers, QUANTILE, MEDIAN_NO_OUTLIERS", "max, hl_estimator, MAX, HL_ESTIMATOR"})
    void everyTypeAndAggregatorIsAccepted(String type, String aggregator, StatType expType, Aggregator expAgg) {
        QuantizationParams p = fx.params("\"preset\": \"mixed\", \"activations\": {\"range_estimator\": {\"max\": "
                + "{\"type\": \"" + type + "\", \"aggregator\": \"" + aggregator + "\"}}}");
        boolean quantile = expType == StatType.QUANTILE || expType == StatType.ABS_QUANTILE;
        assertEquals(stat(expType, expAgg, quantile ? RangeEstimatorDefaults.DEFAULT_OUTLIER_PROB : null),
                p.activations().rangeEstimator().max());
    }

    @Test
    void quantileTypesOnWeightsTakeAnOutlierProbAndNoAggregator() {
        QuantizationParams p = fx.params("""
                "weights": { "mode": "asymmetric", "range_estimator": {
                    "min": { "type": "quantile", "outlier_prob": 0.01 }, "max": { "type": "abs_quantile" } } }""");
        assertEquals(new RangeEstimatorSpec(stat(StatType.QUANTILE, null, 0.01),
                stat(StatType.ABS_QUANTILE, null, 1e-4)), p.weights().rangeEstimator());
    }
}
