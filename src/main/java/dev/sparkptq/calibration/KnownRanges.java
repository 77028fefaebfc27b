package dev.sparkptq.calibration;

import dev.sparkptq.core.QuantScheme;

/**
 * The quantization range of a tensor whose values provably lie in {@code [lo, hi]} (graph.ValueBounds: a Sigmoid's
 * {@code [0, 1]}, a ReLU6's {@code [0, 6]}): the bounds themselves, not an estimate from the calibration samples. The
 * estimators that average per-sample extremes ({@code mean} of {@code max}) or cut tails (quantiles, histogram
 * searches) clip exactly the values such ops saturate at — a detector's confident scores, ReLU6's frequent 6 — while
 * the bounds cost at most the levels between the observed and the provable end.
 *
 * <p>Symmetric mode keeps its convention: {@code [0, hi]} when {@code lo ≥ 0} (unsigned levels), else
 * {@code [-m, m]} with {@code m = max(|lo|, |hi|)}. Asymmetric mode takes {@code [lo, hi]} as is.
 */
public final class KnownRanges {
    private KnownRanges() {
    }

    public static Range range(double[] bounds, QuantScheme mode) {
        double lo = bounds[0];
        double hi = bounds[1];
        if (mode == QuantScheme.ASYMMETRIC) {
            return Range.of(lo, hi);
        }
        if (lo >= 0) {
            return Range.of(0, hi);
        }
        double m = Math.max(Math.abs(lo), Math.abs(hi));
        return Range.of(-m, m);
    }

    /**
     * {@code r} without what lies below {@code floor}, a value at or below which every reader gives the same result
     * (plan.ConsumerFunctions#floor: HardSwish's −3): each channel's minimum is raised to it, a maximum below it
     * lifted to it. In asymmetric mode the levels below the floor go to the rest of the range; a symmetric range
     * {@code [-m, m]} stays as it is unless its maximum lies below {@code |floor|}.
     */
    public static Range floored(Range r, double floor) {
        double[] min = r.min();
        double[] max = r.max();
        for (int i = 0; i < min.length; i++) {
            min[i] = Math.max(min[i], floor);
            max[i] = Math.max(max[i], min[i]);
        }
        return new Range(min, max);
    }
}
