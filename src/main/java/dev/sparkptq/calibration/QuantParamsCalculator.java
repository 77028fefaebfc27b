package dev.sparkptq.calibration;

import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.QuantScheme;

/**
 * Range → scale and zero point, with POT/NNCF semantics. Levels are described in {@link Levels}.
 *
 * <p><b>Symmetric</b> ({@code zp = 0}): {@code scale = absmax / levelHigh}, {@code absmax = max(|min|, |max|)}.
 * <ul>
 *   <li>activations, range ≥ 0 → unsigned 0..2^b−1: {@code [0, 6]} at 8 bits → scale 6/255 ≈ 0.02353;</li>
 *   <li>activations, some min &lt; 0 → signed −2^(b−1)..2^(b−1)−1: {@code [-4, 4]} → scale 4/127, INT8;</li>
 *   <li>weights → signed narrow −(2^(b−1)−1)..2^(b−1)−1: {@code [-0.5, 0.5]} → scale 0.5/127, levels −127..127.</li>
 * </ul>
 * <p><b>Asymmetric</b>: the range is first widened to contain 0 ({@code min' = min(min,0)}, {@code max' = max(max,0)}),
 * then {@code scale = (max'−min') / (levelHigh−levelLow)} and {@code zp = clamp(round(levelLow − min'/scale))}.
 * Activations are unsigned 0..2^b−1, weights signed −2^(b−1)..2^(b−1)−1. Example: activation {@code [-1, 3]} →
 * scale 4/255 ≈ 0.015686, zp = round(0 + 1/0.015686) = round(63.75) = 64. Because {@code zp} is an integer,
 * {@code dequantize(zp) = 0} exactly: zero (padding, ReLU outputs) is always representable.
 *
 * <p><b>Degenerate ranges</b>: an all-zero range gives scale 1.0 (any positive scale represents exact 0); a tiny
 * range gives at least {@link #MIN_SCALE} = 1e-10, so that {@code x / scale} never overflows and the
 * DequantizeLinear output stays a normal float. A constant tensor {@code c > 0} is an ordinary range
 * ({@code [0, c]} after widening, or unsigned symmetric): {@code c} maps to the top level exactly.
 * NaN or Inf in a range is an {@link InternalException} (statistics must have been checked before).
 *
 * <p>The scale is rounded to float (the ONNX scale type) before the zero point is derived, so the zero point is
 * consistent with the scale the model will actually use.
 */
public final class QuantParamsCalculator {

    /** Smallest scale produced, for ranges narrower than 1e-10 × levels. */
    public static final double MIN_SCALE = 1e-10;

    private QuantParamsCalculator() {
    }

    /**
     * Parameters of an activation quantizer.
     *
     * @param axis channel axis of the activation for per-channel ranges, -1 for a per-tensor range
     */
    public static QuantParams activation(Range r, TensorQuantSpec spec, int axis) {
        check(r, axis);
        Levels.Kind kind = spec.mode() == QuantScheme.ASYMMETRIC || allNonNegative(r)
                ? Levels.Kind.UNSIGNED : Levels.Kind.SIGNED;
        return compute(r, spec.mode(), Levels.of(spec, kind), axis);
    }

    /**
     * Parameters of a weight quantizer.
     *
     * @param axis channel axis of the weight for per-channel ranges, -1 for a per-tensor range
     */
    public static QuantParams weight(Range r, TensorQuantSpec spec, int axis) {
        check(r, axis);
        Levels.Kind kind = spec.mode() == QuantScheme.SYMMETRIC ? Levels.Kind.SIGNED_NARROW : Levels.Kind.SIGNED;
        return compute(r, spec.mode(), Levels.of(spec, kind), axis);
    }

    private static QuantParams compute(Range r, QuantScheme mode, Levels levels, int axis) {
        int n = r.length();
        float[] scale = new float[n];
        int[] zp = new int[n];
        if (mode == QuantScheme.SYMMETRIC && (levels.low() > 0 || levels.high() <= 0)) {
            throw new ConfigException("symmetric quantization needs 0 inside the levels, got " + levels.low() + ".."
                    + levels.high() + "; use level_low <= 0 < level_high or mode asymmetric");
        }
        for (int i = 0; i < n; i++) {
            if (mode == QuantScheme.SYMMETRIC) {
                double absMax = Math.max(Math.abs(r.min(i)), Math.abs(r.max(i)));
                scale[i] = toScale(absMax / levels.high());
                zp[i] = 0;
            } else {
                double lo = Math.min(r.min(i), 0.0);
                double hi = Math.max(r.max(i), 0.0);
                scale[i] = toScale((hi - lo) / ((double) levels.high() - levels.low()));
                long z = Math.round(Math.rint(levels.low() - lo / scale[i]));
                zp[i] = (int) Math.max(levels.low(), Math.min(levels.high(), z));
            }
        }
        return new QuantParams(scale, zp, axis, levels.storage(), levels.low(), levels.high());
    }

    /** Applies the degenerate-range rules and rounds to the float ONNX will store. */
    static float toScale(double s) {
        if (s == 0.0) {
            return 1.0f;
        }
        float f = (float) Math.max(s, MIN_SCALE);
        if (!Float.isFinite(f)) {
            throw new InternalException("scale " + s + " does not fit a float; the range is too wide to quantize");
        }
        return f;
    }

    private static boolean allNonNegative(Range r) {
        for (int i = 0; i < r.length(); i++) {
            if (r.min(i) < 0) {
                return false;
            }
        }
        return true;
    }

    private static void check(Range r, int axis) {
        for (int i = 0; i < r.length(); i++) {
            if (!Double.isFinite(r.min(i)) || !Double.isFinite(r.max(i))) {
                throw new InternalException("range " + r + " contains NaN/Inf at index " + i + "; statistics must "
                        + "be checked (StatisticsSet.requireComplete) before computing scales");
            }
        }
        if (axis < 0 && r.length() != 1) {
            throw new InternalException("per-tensor quantizer (axis -1) got a range of " + r.length()
                    + " channels; pass the channel axis");
        }
    }
}
