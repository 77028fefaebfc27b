package dev.sparkptq.algorithms.biascorrection;

/**
 * The output mean per channel of one Conv, Gemm or MatMul(+Add) whose input is a constant per channel: what POT's
 * FastBiasCorrection gets by running the quantized op on a blob filled with the FP32 per-channel input means, computed
 * here in closed form.
 *
 * <p>For a Conv, an output position sees {@code Σ w[oc, ic, k] · m[ic]} over the kernel taps {@code k} that land inside
 * the input; taps that land in the zero padding contribute nothing. Averaged over the output positions, tap {@code k}
 * contributes with the fraction of positions where it is inside, and that fraction is a product over spatial axes
 * (each axis's tap index and output index are independent). So the result equals running the op and averaging, border
 * included, without running anything:
 * <pre>
 *   mean[oc] = bias[oc] + Σ_ic Σ_k w[oc, ic, k] · m[g·Cg + ic] · Π_d inside_d(k_d) / out_d
 * </pre>
 */
final class BiasShift {
    private BiasShift() {
    }

    /**
     * Conv geometry along one spatial axis.
     *
     * @param in       input size
     * @param kernel   kernel size
     * @param stride   stride
     * @param dilation dilation
     * @param padBegin zero padding before the first element
     * @param padEnd   zero padding after the last element
     */
    record Axis(long in, int kernel, int stride, int dilation, long padBegin, long padEnd) {
        long out() {
            return Math.floorDiv(in + padBegin + padEnd - (long) dilation * (kernel - 1) - 1, stride) + 1;
        }

        /** For every tap, the fraction of output positions where it reads a real (non-padding) element. */
        double[] insideFractions() {
            long out = out();
            double[] f = new double[kernel];
            for (int k = 0; k < kernel; k++) {
                long inside = 0;
                for (long o = 0; o < out; o++) {
                    long i = o * stride - padBegin + (long) k * dilation;
                    inside += i >= 0 && i < in ? 1 : 0;
                }
                f[k] = out > 0 ? (double) inside / out : 0;
            }
            return f;
        }
    }

    /**
     * @param w      weights {@code [OC, C/group, k_1..k_n]}, row-major
     * @param oc     output channels
     * @param group  Conv {@code group}
     * @param means  input mean per input channel (length C)
     * @param bias   bias per output channel
     * @param axes   spatial axes, in order
     * @return output mean per output channel, border effects included
     */
    static double[] conv(float[] w, int oc, int group, double[] means, double[] bias, Axis[] axes) {
        double[] tapWeight = tapWeights(axes);
        int taps = tapWeight.length;
        int cPerGroup = means.length / group;
        int ocPerGroup = oc / group;
        double[] out = new double[oc];
        for (int o = 0; o < oc; o++) {
            int g = o / ocPerGroup;
            double acc = bias[o];
            for (int c = 0; c < cPerGroup; c++) {
                double m = means[g * cPerGroup + c];
                int base = (o * cPerGroup + c) * taps;
                double s = 0;
                for (int k = 0; k < taps; k++) {
                    s += w[base + k] * tapWeight[k];
                }
                acc += s * m;
            }
            out[o] = acc;
        }
        return out;
    }

    /** Product over axes of the inside fractions, for every tap in row-major kernel order. */
    private static double[] tapWeights(Axis[] axes) {
        double[] weights = {1.0};
        for (Axis a : axes) {
            double[] f = a.insideFractions();
            double[] next = new double[weights.length * f.length];
            for (int i = 0; i < weights.length; i++) {
                for (int k = 0; k < f.length; k++) {
                    next[i * f.length + k] = weights[i] * f[k];
                }
            }
            weights = next;
        }
        return weights;
    }

    /**
     * Gemm {@code Y = alpha · A · B' + beta · C} for a row {@code A = means}.
     *
     * @param b      B as stored, {@code [K, N]}, or {@code [N, K]} when {@code transB}
     * @param k      K
     * @param n      N
     * @param transB Gemm's {@code transB}
     * @param bias   {@code beta · C} per output column
     */
    static double[] gemm(float[] b, int k, int n, boolean transB, double alpha, double[] means, double[] bias) {
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += means[i] * (transB ? b[j * k + i] : b[i * n + j]);
            }
            out[j] = alpha * s + bias[j];
        }
        return out;
    }

    /**
     * POT/NNCF's bias-shift magnitude: {@code max |shift / bias|}, infinite when some bias element is zero (so that
     * such a bias is only corrected with {@code apply_for_all_nodes}).
     */
    static double magnitude(double[] bias, double[] shift) {
        double m = 0;
        for (int i = 0; i < bias.length; i++) {
            if (bias[i] == 0) {
                return Double.POSITIVE_INFINITY;
            }
            m = Math.max(m, Math.abs(shift[i] / bias[i]));
        }
        return m;
    }
}
