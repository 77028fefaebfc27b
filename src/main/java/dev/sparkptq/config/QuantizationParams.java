package dev.sparkptq.config;

import java.io.Serializable;

/**
 * The {@code params} of DefaultQuantization / MinMaxQuantization, fully resolved (preset applied).
 *
 * @param preset         the preset the scheme came from
 * @param statSubsetSize calibration samples to use ({@code null} = all, as POT)
 * @param statBatchSize  samples per inference during calibration
 * @param shuffleData    draw the subset at random (seeded) instead of taking the first samples
 * @param seed           seed of the subset draw
 * @param ignored        nodes and op types left in float
 * @param weights        resolved weight scheme
 * @param activations    resolved activation scheme
 * @param weightStorage  how quantized weights are stored in the output model
 * @param biasCorrection POT's FastBiasCorrection knobs (run after MinMax by DefaultQuantization only)
 * @param smoothQuant    NNCF's SmoothQuant alphas (run before MinMax; off unless model_type is transformer)
 */
public record QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                                 long seed, IgnoredSpec ignored, TensorQuantSpec weights,
                                 TensorQuantSpec activations, WeightStorage weightStorage,
                                 BiasCorrectionSpec biasCorrection, SmoothQuantSpec smoothQuant)
        implements Serializable {

    /** Params without SmoothQuant (the default outside transformers). */
    public QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                              long seed, IgnoredSpec ignored, TensorQuantSpec weights, TensorQuantSpec activations,
                              WeightStorage weightStorage, BiasCorrectionSpec biasCorrection) {
        this(preset, statSubsetSize, statBatchSize, shuffleData, seed, ignored, weights, activations, weightStorage,
                biasCorrection, SmoothQuantSpec.off());
    }

    /** Params with POT's default bias correction (fast, threshold 2.0). */
    public QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                              long seed, IgnoredSpec ignored, TensorQuantSpec weights, TensorQuantSpec activations,
                              WeightStorage weightStorage) {
        this(preset, statSubsetSize, statBatchSize, shuffleData, seed, ignored, weights, activations, weightStorage,
                BiasCorrectionSpec.defaults());
    }

    public enum Preset { PERFORMANCE, MIXED }

    /** POT's {@code compress_model_weights}: int8 initializers (default) or FP32 weights with a Q/DQ pair. */
    public enum WeightStorage { COMPRESSED, UNCOMPRESSED }
}
