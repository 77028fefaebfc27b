package dev.sparkptq.config;

import java.io.Serializable;

/**
 * POT's bias-correction knobs of DefaultQuantization ({@code use_fast_bias}, {@code threshold},
 * {@code apply_for_all_nodes}): after MinMax, shift each quantized op's bias so that its quantized output mean per
 * channel matches the FP32 one. MinMaxQuantization never corrects biases (as in POT).
 *
 * @param mode             FAST (POT's FastBiasCorrection, the default), FULL (POT's BiasCorrection) or NONE
 * @param threshold        a bias is updated only when {@code max |shift / bias|} is below this (POT default 2.0 for
 *                         FAST, 1000 for FULL); a bias with a zero element has an infinite relative shift and is
 *                         skipped
 * @param applyForAllNodes update every bias regardless of the threshold (POT's {@code apply_for_all_nodes})
 */
public record BiasCorrectionSpec(Mode mode, double threshold, boolean applyForAllNodes) implements Serializable {

    /** POT's FastBiasCorrection threshold default. */
    public static final double DEFAULT_THRESHOLD = 2.0;

    /** POT's/NNCF's BiasCorrection (full) threshold default. */
    public static final double DEFAULT_FULL_THRESHOLD = 1000.0;

    /**
     * FAST: POT's FastBiasCorrection (closed form from FP32 means). FULL: POT's BiasCorrection
     * ({@code use_fast_bias: false}): the quantized model, corrected upstream, is run layer by layer on a subset.
     * NONE: no correction (MinMaxQuantization).
     */
    public enum Mode { FAST, FULL, NONE }

    public BiasCorrectionSpec {
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("bias correction threshold must be > 0, got " + threshold);
        }
    }

    /** POT's defaults: fast correction, threshold 2.0, threshold applied. */
    public static BiasCorrectionSpec defaults() {
        return new BiasCorrectionSpec(Mode.FAST, DEFAULT_THRESHOLD, false);
    }

    public boolean enabled() {
        return mode != Mode.NONE;
    }
}
