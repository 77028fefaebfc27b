package dev.sparkptq.algorithms.smoothquant;

import dev.sparkptq.plan.SmoothingGroup;

/**
 * Whether smoothing a group pays: the quantization noise its MatMuls are predicted to add, smoothed over unsmoothed.
 * SmoothQuant moves range from the activation into the weights; that helps when a few activation channels dwarf the
 * rest (a per-tensor activation step set by them buries every other channel) and hurts when it gives the weights
 * rows the per-output-channel weight scales cannot absorb. The model, from the statistics SmoothQuant already has
 * (per-channel activation abs-max {@code a_k}, the weights): one per-tensor activation step
 * {@code Δx = 2·max_k a_k / 255} (int8 over the tensor's range, as the dynamic and the static kernels take it), one
 * weight step per output column {@code Δw_n = max_k |W_kn| / 127}, and independent rounding noise, so output column
 * {@code n} gets {@code Δx²·Σ_k W_kn² + Δw_n²·Σ_k a_k²} (up to the common 1/12). The same sum with {@code a_k / s_k}
 * and {@code W_kn · s_k} is the smoothed noise.
 *
 * <p>Measured on all-MiniLM-L6-v2 with dynamic kernels (STS-B dev, BENCHMARKS.md "Round 4"): the 12 LayerNorm
 * groups predict 0.22–0.94 of the unsmoothed noise, and leaving all of them unsmoothed cost cosine to FP32 0.9951 →
 * 0.9926; the six GELU groups predict 0.78–1.87, and leaving all of them unsmoothed *raised* it to 0.9961 (output
 * SQNR 12.6 → 17.5 dB). With the 0.8 margin for a Mul, 11 of 19 Muls stay, at cosine 0.9961 and the same Spearman
 * drop as the six GELU groups unsmoothed.
 */
public final class SmoothingGain {
    /** A group whose 1/s folds into constants upstream is smoothed when the predicted noise falls at all. */
    static final double FOLDED_MAX_RATIO = 1.0;
    /**
     * A group that needs a Mul at run time (one pass over the activation per call) is smoothed only when the
     * predicted noise falls by at least this factor.
     */
    static final double MUL_MAX_RATIO = 0.8;

    private SmoothingGain() {
    }

    /** Whether {@code group} is worth smoothing with {@code s}, given its activation's per-channel abs-max. */
    public static boolean pays(SmoothingGroup group, double[] activationAbsMax, double[] s) {
        double unsmoothed = noise(group, activationAbsMax, null);
        double smoothed = noise(group, activationAbsMax, s);
        double limit = group.fold() != null ? FOLDED_MAX_RATIO : MUL_MAX_RATIO;
        return unsmoothed > 0 && smoothed < limit * unsmoothed;
    }

    /** The predicted output noise energy of every member (see the class doc), smoothed by {@code s} or not (null). */
    static double noise(SmoothingGroup group, double[] a, double[] s) {
        double[] x = new double[a.length];
        double peak = 0;
        double energy = 0;
        for (int k = 0; k < a.length; k++) {
            x[k] = s == null ? a[k] : a[k] / s[k];
            x[k] = Double.isFinite(x[k]) ? x[k] : 0;
            peak = Math.max(peak, x[k]);
            energy += x[k] * x[k];
        }
        double dx = 2 * peak / 255;
        double total = 0;
        for (SmoothingGroup.Member m : group.members()) {
            total += memberNoise(m, dx, energy, s);
        }
        return total;
    }

    private static double memberNoise(SmoothingGroup.Member m, double dx, double activationEnergy, double[] s) {
        float[] w = m.weight().floats();
        int cols = (int) m.weight().dim(1);
        int inputs = (int) m.weight().dim(m.inputAxis());
        int outputs = (int) m.weight().dim(1 - m.inputAxis());
        double total = 0;
        for (int n = 0; n < outputs; n++) {
            double peak = 0;
            double energy = 0;
            for (int k = 0; k < inputs; k++) {
                double v = m.inputAxis() == 0 ? w[k * cols + n] : w[n * cols + k];
                v *= s == null ? 1 : s[k];
                peak = Math.max(peak, Math.abs(v));
                energy += v * v;
            }
            double dw = peak / 127;
            total += dx * dx * energy + dw * dw * activationEnergy;
        }
        return total;
    }
}
