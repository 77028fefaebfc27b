package dev.sparkptq.config;

import java.io.Serializable;

/** One entry of {@code compression.algorithms}: POT's {@code {name, params}}. */
public record AlgorithmSpec(Name name, QuantizationParams params) implements Serializable {
    public enum Name {
        DefaultQuantization, MinMaxQuantization
    }
}
