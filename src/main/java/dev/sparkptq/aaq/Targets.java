package dev.sparkptq.aaq;

import dev.sparkptq.accuracy.Drop;
import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.config.AccuracyAwareSpec;
import dev.sparkptq.config.AccuracyAwareSpec.DropType;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The drop of each metric against its baseline (the FP32 value, or the configured {@code baseline_value}) and
 * whether it is within {@code maximal_drop}; relative drops are divided by the baseline's magnitude (POT).
 */
final class Targets {
    /** Slack for comparing a drop to the limit (a drop equal to the limit is within it). */
    private static final double EPS = 1e-12;

    private final List<Metric> metrics;
    private final Map<String, Double> baseline;
    private final AccuracyAwareSpec spec;

    Targets(List<Metric> metrics, Map<String, Double> baseline, AccuracyAwareSpec spec) {
        this.metrics = List.copyOf(metrics);
        this.baseline = new TreeMap<>(baseline);
        this.spec = spec;
    }

    double drop(String metric, Map<String, Double> values) {
        Metric m = metric(metric);
        double b = baseline.get(metric);
        double d = Drop.absolute(b, values.get(metric), m.higherBetter());
        return spec.dropType() == DropType.RELATIVE ? d / Math.max(Math.abs(b), 1e-12) : d;
    }

    Map<String, Double> drops(Map<String, Double> values) {
        Map<String, Double> out = new TreeMap<>();
        metrics.forEach(m -> out.put(m.name(), drop(m.name(), values)));
        return out;
    }

    boolean met(Map<String, Double> values) {
        return metrics.stream().allMatch(m -> drop(m.name(), values) <= spec.maximalDrop() + EPS);
    }

    /** How far the worst metric is beyond its limit (≤ 0 when every target is met); smaller is better. */
    double excess(Map<String, Double> values) {
        return metrics.stream().mapToDouble(m -> drop(m.name(), values) - spec.maximalDrop()).max().orElse(0);
    }

    /** The metric to optimise: the one furthest beyond its limit (POT), the first on ties. */
    String worst(Map<String, Double> values) {
        String worst = metrics.get(0).name();
        for (Metric m : metrics) {
            if (drop(m.name(), values) - spec.maximalDrop() > drop(worst, values) - spec.maximalDrop()) {
                worst = m.name();
            }
        }
        return worst;
    }

    Metric metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    int index(String name) {
        for (int i = 0; i < metrics.size(); i++) {
            if (metrics.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    Map<String, Double> baseline() {
        return baseline;
    }
}
