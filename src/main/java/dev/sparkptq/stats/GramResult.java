package dev.sparkptq.stats;

/**
 * A finished {@link GramAccumulator}: per group the symmetric {@code dim × dim} matrix {@code H = Σ x xᵀ}
 * (row-major), how many vectors it sums and over how many samples.
 */
public record GramResult(GramSpec spec, double[][] matrices, long vectors, long samples) {
}
