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
 * @param activationMatMuls whether MatMuls of two activations (attention's Q·Kᵀ and softmax·V) get quantizers
 */
public record QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                                 long seed, IgnoredSpec ignored, TensorQuantSpec weights,
                                 TensorQuantSpec activations, WeightStorage weightStorage,
                                 BiasCorrectionSpec biasCorrection, SmoothQuantSpec smoothQuant,
                                 ActivationMatMuls activationMatMuls)
        implements Serializable {

    /** Params without SmoothQuant (the default outside transformers). */
    public QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                              long seed, IgnoredSpec ignored, TensorQuantSpec weights, TensorQuantSpec activations,
                              WeightStorage weightStorage, BiasCorrectionSpec biasCorrection) {
        this(preset, statSubsetSize, statBatchSize, shuffleData, seed, ignored, weights, activations, weightStorage,
                biasCorrection, SmoothQuantSpec.off(), ActivationMatMuls.QUANTIZED);
    }

    /**
     * MatMuls whose two inputs are activations (attention's Q·Kᵀ and softmax·V). QUANTIZED: Q/DQ on both inputs,
     * as NNCF. FLOAT: left in float — the transformer default, measured on all-MiniLM-L6-v2 (BENCHMARKS.md) to be
     * both more accurate and faster in ONNX Runtime, whose Q/DQ around these small per-head products costs more than
     * the integer kernel saves.
     */
    public enum ActivationMatMuls { QUANTIZED, FLOAT }

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
