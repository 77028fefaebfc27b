package dev.sparkptq.accuracy;

import java.util.Objects;

/**
 * A custom metric under the name and direction its config gives, when they differ from what the class reports
 * (report.json keys results by the configured name; POT's {@code direction} overrides the class). Everything else,
 * including accumulation, is the wrapped metric's.
 *
 * @param name         the configured name
 * @param higherBetter the configured direction
 * @param metric       the user's metric
 */
public record ConfiguredMetric(String name, boolean higherBetter, Metric metric) implements Metric {
    private static final long serialVersionUID = 1L;

    public ConfiguredMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
    }

    @Override
    public double perSample(EvalSample sample) {
        return metric.perSample(sample);
    }

    @Override
    public boolean hasPerSampleValues() {
        return metric.hasPerSampleValues();
    }

    @Override
    public MetricAccumulator newAccumulator() {
        return metric.newAccumulator();
    }

    @Override
    public void accumulate(MetricAccumulator accumulator, EvalSample sample) {
        metric.accumulate(accumulator, sample);
    }
}
