package dev.sparkptq.plan;

import dev.sparkptq.config.CompressionSection;
import dev.sparkptq.config.IgnoredSpec;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.config.RangeEstimatorSpec;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;

import java.util.List;

/** Resolved schemes built by hand (POT's performance preset defaults), for tests that must not depend on config. */
public final class Specs {
    private Specs() {
    }

    public static TensorQuantSpec weights() {
        return new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_CHANNEL, null, null,
                new RangeEstimatorSpec(null, new RangeEstimatorSpec.StatisticSpec(StatType.ABS_MAX, null, null, null)));
    }

    public static TensorQuantSpec activations() {
        return new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, null, null,
                new RangeEstimatorSpec(new RangeEstimatorSpec.StatisticSpec(StatType.MIN, Aggregator.MIN, null, null),
                        new RangeEstimatorSpec.StatisticSpec(StatType.ABS_MAX, Aggregator.MEAN, null, null)));
    }

    public static QuantizationParams params(IgnoredSpec ignored) {
        return new QuantizationParams(QuantizationParams.Preset.PERFORMANCE, null, 1, false, 0L, ignored, weights(),
                activations(), QuantizationParams.WeightStorage.COMPRESSED);
    }

    public static QuantizationParams params() {
        return params(IgnoredSpec.none());
    }

    public static CompressionSection compression(CompressionSection.ModelType type) {
        return new CompressionSection(CompressionSection.TargetDevice.ANY, type, true,
                List.of());
    }

    public static CompressionSection compression() {
        return compression(CompressionSection.ModelType.DEFAULT);
    }
}
