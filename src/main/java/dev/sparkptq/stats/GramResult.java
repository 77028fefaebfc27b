package dev.sparkptq.stats;

/**
 * A finished {@link GramAccumulator}, per group as row-major {@code dim × dim} matrices: {@code H = Σ x xᵀ} over the
 * FP32 input vectors, {@code H̃ = Σ x̃ x̃ᵀ} over the quantized model's input vectors at the same positions and
 * {@code C = Σ x x̃ᵀ} (both the very arrays of H for an unpaired spec), how many vectors they sum and over
 * how many samples.
 */
public record GramResult(GramSpec spec, double[][] matrices, double[][] quantized, double[][] cross, long vectors,
                         long samples) {
}
