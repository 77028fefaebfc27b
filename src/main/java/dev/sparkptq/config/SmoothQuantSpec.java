package dev.sparkptq.config;

import java.io.Serializable;

/**
 * NNCF's {@code smooth_quant_alphas}: SmoothQuant's migration strength per op type, run before MinMax. For each
 * weighted MatMul/Gemm, input channel {@code j} of the activation is divided by
 * {@code s_j = max|X_j|^α / max|W_j|^(1−α)} and row {@code j} of the weight multiplied by it, which leaves the FP32
 * output unchanged but moves activation outliers into the (per-channel quantized) weights. A negative alpha turns
 * the op type off.
 *
 * @param matmul      alpha of MatMul/Gemm with a constant weight (NNCF default 0.95 for transformers), or negative
 * @param convolution alpha of Conv; only negative (off, NNCF's default) is supported
 */
public record SmoothQuantSpec(double matmul, double convolution) implements Serializable {
    /** NNCF's MatMul alpha for {@code model_type: transformer}. */
    public static final double TRANSFORMER_MATMUL_ALPHA = 0.95;

    public SmoothQuantSpec {
        if (matmul > 1 || Double.isNaN(matmul) || convolution > 1 || Double.isNaN(convolution)) {
            throw new IllegalArgumentException("SmoothQuant alphas must be in [0, 1] or negative (off), got matmul "
                    + matmul + ", convolution " + convolution);
        }
    }

    /** SmoothQuant off for every op type (the default outside {@code model_type: transformer}). */
    public static SmoothQuantSpec off() {
        return new SmoothQuantSpec(-1, -1);
    }

    /** NNCF's transformer default: MatMul 0.95, convolutions off. */
    public static SmoothQuantSpec transformerDefaults() {
        return new SmoothQuantSpec(TRANSFORMER_MATMUL_ALPHA, -1);
    }

    /** True when some op type is smoothed. */
    public boolean enabled() {
        return matmul >= 0 || convolution >= 0;
    }
}
