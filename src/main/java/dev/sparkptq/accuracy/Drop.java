package dev.sparkptq.accuracy;

/**
 * Accuracy drop: how much worse the quantized model is, positive when worse, whatever the metric's direction.
 * The search compares this number with the configured maximum drop.
 */
public final class Drop {
    private Drop() {
    }

    /** {@code fp32 - quantized} for higher-better metrics, {@code quantized - fp32} otherwise. */
    public static double absolute(double fp32, double quantized, boolean higherBetter) {
        return higherBetter ? fp32 - quantized : quantized - fp32;
    }

    /** The drop of {@code metric} between two evaluations. */
    public static double absolute(Metric metric, MetricValues fp32, MetricValues quantized) {
        return absolute(fp32.get(metric.name()), quantized.get(metric.name()), metric.higherBetter());
    }
}
