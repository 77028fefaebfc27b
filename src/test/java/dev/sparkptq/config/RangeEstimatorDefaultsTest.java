package dev.sparkptq.config;

import dev.sparkptq.config.RangeEstimatorDefaults.EstimatorPreset;
import dev.sparkptq.config.RangeEstimatorDefaults.TensorRole;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The table of ptq-tools.md §1.4, row by row, for both estimator presets. */
class RangeEstimatorDefaultsTest {

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource(nullValues = "-", value = {
            // role, granularity, mode, preset, min type, min aggregator, min prob, max type, max aggregator, max prob
            "ACTIVATIONS, PER_TENSOR,  SYMMETRIC,  DEFAULT,  MIN,      MIN,  -,    ABS_MAX,      MEAN, -",
            "ACTIVATIONS, PER_TENSOR,  ASYMMETRIC, DEFAULT,  MIN,      MEAN, -,    MAX,          MEAN, -",
            "ACTIVATIONS, PER_CHANNEL, SYMMETRIC,  DEFAULT,  MIN,      MIN,  -,    ABS_MAX,      MAX,  -",
            "ACTIVATIONS, PER_CHANNEL, ASYMMETRIC, DEFAULT,  MIN,      MIN,  -,    MAX,          MAX,  -",
            "WEIGHTS,     PER_CHANNEL, SYMMETRIC,  DEFAULT,  -,        -,    -,    ABS_MAX,      -,    -",
            "WEIGHTS,     PER_TENSOR,  SYMMETRIC,  DEFAULT,  -,        -,    -,    ABS_MAX,      -,    -",
            "WEIGHTS,     PER_CHANNEL, ASYMMETRIC, DEFAULT,  MIN,      -,    -,    MAX,          -,    -",
            "WEIGHTS,     PER_TENSOR,  ASYMMETRIC, DEFAULT,  MIN,      -,    -,    MAX,          -,    -",
            // POT's QUANTILE_ACTIVATIONS_RANGE_ESTIMATOR_CONFIG keeps min/min on the symmetric min side
            "ACTIVATIONS, PER_TENSOR,  SYMMETRIC,  QUANTILE, MIN,      MIN,  -,    ABS_QUANTILE, MEAN, 1e-4",
            "ACTIVATIONS, PER_TENSOR,  ASYMMETRIC, QUANTILE, QUANTILE, MEAN, 1e-4, QUANTILE,     MEAN, 1e-4",
            "ACTIVATIONS, PER_CHANNEL, SYMMETRIC,  QUANTILE, MIN,      MIN,  -,    ABS_QUANTILE, MAX,  1e-4",
            "ACTIVATIONS, PER_CHANNEL, ASYMMETRIC, QUANTILE, QUANTILE, MIN,  1e-4, QUANTILE,     MAX,  1e-4",
            "WEIGHTS,     PER_CHANNEL, SYMMETRIC,  QUANTILE, -,        -,    -,    ABS_QUANTILE, -,    1e-4",
            "WEIGHTS,     PER_CHANNEL, ASYMMETRIC, QUANTILE, QUANTILE, -,    1e-4, QUANTILE,     -,    1e-4",
    })
    void matchesPotTable(TensorRole role, Granularity granularity, QuantScheme mode, EstimatorPreset preset,
                         StatType minType, Aggregator minAgg, Double minProb, StatType maxType, Aggregator maxAgg,
                         Double maxProb) {
        RangeEstimatorSpec spec = RangeEstimatorDefaults.of(role, granularity, mode, preset);
        if (minType == null) {
            assertNull(spec.min());
        } else {
            assertEquals(new StatisticSpec(minType, minAgg, null, minProb), spec.min());
        }
        assertEquals(new StatisticSpec(maxType, maxAgg, null, maxProb), spec.max());
    }
}
