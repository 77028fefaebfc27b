package dev.sparkptq.config;

/**
 * Cross-layer equalization before MinMax ({@code cross_layer_equalization}): off, data-free from the weights alone
 * (Nagel et al. 2019), or from per-channel activation ranges measured in one extra statistics pass.
 */
public enum Equalization { OFF, WEIGHTS, ACTIVATIONS }
