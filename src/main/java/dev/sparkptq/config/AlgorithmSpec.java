package dev.sparkptq.config;

import java.io.Serializable;

/**
 * One entry of {@code compression.algorithms}: POT's {@code {name, params}}.
 *
 * @param params        the quantization params (for AccuracyAwareQuantization: those of its base algorithm)
 * @param accuracyAware the AccuracyAwareQuantization params; null for every other algorithm
 */
public record AlgorithmSpec(Name name, QuantizationParams params, AccuracyAwareSpec accuracyAware)
        implements Serializable {
    public AlgorithmSpec(Name name, QuantizationParams params) {
        this(name, params, null);
    }

    /** The algorithm that quantizes: this one, or AccuracyAwareQuantization's base algorithm. */
    public Name baseName() {
        return accuracyAware == null ? name : accuracyAware.baseAlgorithm();
    }

    public enum Name {
        DefaultQuantization, MinMaxQuantization, AccuracyAwareQuantization
    }
}
