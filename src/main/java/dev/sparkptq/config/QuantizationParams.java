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
 * @param adjustments    saturation fix (MinMax and DefaultQuantization) and channel alignment (DefaultQuantization)
 * @param activationGates how SiLU/Swish activations {@code x·σ(x)} are quantized (speed vs accuracy)
 * @param smoothQuant    NNCF's SmoothQuant alphas (run before MinMax; off unless model_type is transformer)
 * @param activationMatMuls whether MatMuls of two activations (attention's Q·Kᵀ and softmax·V) get quantizers
 * @param layerwiseTuning POT's {@code use_layerwise_tuning} and its knobs (closed-form solver; off by default)
 * @param kernels        MatMul/Gemm kernel choice and embedding-table storage
 */
public record QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                                 long seed, IgnoredSpec ignored, TensorQuantSpec weights,
                                 TensorQuantSpec activations, WeightStorage weightStorage,
                                 BiasCorrectionSpec biasCorrection, ModelAdjustmentSpec adjustments,
                                 ActivationGates activationGates, SmoothQuantSpec smoothQuant,
                                 ActivationMatMuls activationMatMuls, LayerwiseTuningSpec layerwiseTuning,
                                 KernelSpec kernels)
        implements Serializable {

    /** Params with the default kernels outside transformers ({@link KernelSpec#DEFAULT}). */
    public QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                              long seed, IgnoredSpec ignored, TensorQuantSpec weights, TensorQuantSpec activations,
                              WeightStorage weightStorage, BiasCorrectionSpec biasCorrection,
                              ModelAdjustmentSpec adjustments, ActivationGates activationGates,
                              SmoothQuantSpec smoothQuant, ActivationMatMuls activationMatMuls,
                              LayerwiseTuningSpec layerwiseTuning) {
        this(preset, statSubsetSize, statBatchSize, shuffleData, seed, ignored, weights, activations, weightStorage,
                biasCorrection, adjustments, activationGates, smoothQuant, activationMatMuls, layerwiseTuning,
                KernelSpec.DEFAULT);
    }

    /** These params with other kernels. */
    public QuantizationParams withKernels(KernelSpec k) {
        return new QuantizationParams(preset, statSubsetSize, statBatchSize, shuffleData, seed, ignored, weights,
                activations, weightStorage, biasCorrection, adjustments, activationGates, smoothQuant,
                activationMatMuls, layerwiseTuning, k);
    }

    /** Params without layer-wise tuning (POT's default). */
    public QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                              long seed, IgnoredSpec ignored, TensorQuantSpec weights, TensorQuantSpec activations,
                              WeightStorage weightStorage, BiasCorrectionSpec biasCorrection,
                              ModelAdjustmentSpec adjustments, ActivationGates activationGates,
                              SmoothQuantSpec smoothQuant, ActivationMatMuls activationMatMuls) {
        this(preset, statSubsetSize, statBatchSize, shuffleData, seed, ignored, weights, activations, weightStorage,
                biasCorrection, adjustments, activationGates, smoothQuant, activationMatMuls,
                LayerwiseTuningSpec.off());
    }

    /**
     * Params with POT's default saturation fix and channel alignment, the default SiLU/Swish layout and no
     * SmoothQuant (the default outside transformers).
     */
    public QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                              long seed, IgnoredSpec ignored, TensorQuantSpec weights, TensorQuantSpec activations,
                              WeightStorage weightStorage, BiasCorrectionSpec biasCorrection) {
        this(preset, statSubsetSize, statBatchSize, shuffleData, seed, ignored, weights, activations, weightStorage,
                biasCorrection, ModelAdjustmentSpec.defaults(), ActivationGates.DEFAULT, SmoothQuantSpec.off(),
                ActivationMatMuls.QUANTIZED);
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

    /**
     * How a SiLU/Swish activation {@code x·σ(x)} after a Conv/MatMul is quantized ({@code activation_gates}). ONNX
     * Runtime fuses {@code DQ → Conv → Q} into QLinearConv only when a quantizer follows the Conv; NNCF keeps the
     * activation in float with no quantizer before it, so every such Conv runs as a float kernel (YOLOX: slower than
     * FP32).
     */
    public enum ActivationGates {
        /** NNCF's pattern: the activation stays float and no quantizer follows the op before it */
        FLOAT,
        /** x is quantized (one quantizer read by σ and the Mul), so the op before it fuses into an integer kernel */
        INPUT,
        /** x and σ(x) are quantized: QLinearConv → QLinearSigmoid → QLinearMul, all integer */
        INTEGER;

        /** The layout used when the config does not choose one (chosen by measurement, see BENCHMARKS.md). */
        public static final ActivationGates DEFAULT = INTEGER;
    }
}
