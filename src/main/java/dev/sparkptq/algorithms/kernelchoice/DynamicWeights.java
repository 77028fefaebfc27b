package dev.sparkptq.algorithms.kernelchoice;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;

/**
 * The int8 weight of a dynamically quantized op, from the static plan's weight parameters (one source of truth for
 * levels, per-channel scales and the saturation fix): laid out as MatMul reads it, {@code [K, N]}, with one scale
 * per output column or one for the tensor.
 */
public final class DynamicWeights {
    private DynamicWeights() {
    }

    /** The quantized matrix and its scale. */
    public record Quantized(Tensor weight, Tensor scale) {
    }

    /**
     * @param w      the float weight, {@code [K, N]} ({@code [N, K]} when {@code transB})
     * @param p      its quantizer parameters: symmetric int8, per tensor or per output channel (axis 1 of a
     *               {@code [K, N]} weight, axis 0 when {@code transB})
     * @param transB the op is a Gemm with {@code transB = 1}
     */
    public static Quantized of(Tensor w, QuantParams p, boolean transB) {
        if (w.rank() != 2 || p.storage() != DType.INT8) {
            throw new InternalException("dynamic quantization needs a 2-D weight and int8 parameters, got rank "
                    + w.rank() + " and " + p.storage());
        }
        int rows = (int) w.dim(0);
        int cols = (int) w.dim(1);
        int k = transB ? cols : rows;
        int n = transB ? rows : cols;
        int outAxis = transB ? 0 : 1;
        if (p.perChannel() && (p.axis() != outAxis || p.scale().length != n)) {
            throw new InternalException("per-channel weight parameters must run along the output axis " + outAxis
                    + " with " + n + " scales, got axis " + p.axis() + " with " + p.scale().length);
        }
        float[] src = w.toFloats();
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        byte[] q = new byte[k * n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                float v = transB ? src[j * k + i] : src[i * n + j];
                int c = p.perChannel() ? j : 0;
                q[i * n + j] = (byte) QuantMath.quantize(v, scale[c], zp[c], p.levelLow(), p.levelHigh());
            }
        }
        Tensor s = p.perChannel() ? Tensor.ofFloats(new long[] {n}, scale) : Tensor.ofFloats(new long[0], scale);
        return new Quantized(Tensor.ofBytes(DType.INT8, new long[] {k, n}, q), s);
    }
}
