package dev.sparkptq.config;

/**
 * POT's {@code saturation_fix} / NNCF's {@code overflow_fix}: quantize the weights of Conv/MatMul/Gemm layers to 7 bits
 * (half the integer levels, still stored as INT8) so that the u8×s8 pair sums of pre-VNNI integer kernels (AVX2,
 * AVX-512 without VNNI, SSE: {@code vpmaddubsw}) cannot saturate their 16-bit intermediate: {@code 2 · 255 · 64 = 32640
 * ≤ 32767}. Activations keep the full 8 bits.
 */
public enum OverflowFix {
    /** Only the first quantized weighted layers (those no other weighted layer feeds): POT's and NNCF's default. */
    FIRST_LAYER_ONLY,
    /** Every quantized weight. */
    ENABLE,
    /** No layer. */
    DISABLE
}
