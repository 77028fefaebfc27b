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
 */
public record QuantizationParams(Preset preset, Integer statSubsetSize, int statBatchSize, boolean shuffleData,
                                 long seed, IgnoredSpec ignored, TensorQuantSpec weights,
                                 TensorQuantSpec activations, WeightStorage weightStorage) implements Serializable {

    public enum Preset { PERFORMANCE, MIXED }

    /** POT's {@code compress_model_weights}: int8 initializers (default) or FP32 weights with a Q/DQ pair. */
    public enum WeightStorage { COMPRESSED, UNCOMPRESSED }
}
