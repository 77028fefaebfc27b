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
}
