package dev.sparkptq.graph.edit;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;

/** Java reference of quantize-then-dequantize (per tensor or per channel), and parameter helpers for tests. */
final class FakeQuant {
    private FakeQuant() {
    }

    static float[] apply(float[] x, long[] shape, QuantParams p) {
        float[] s = p.scale();
        int[] zp = p.zeroPoint();
        long inner = 1;
        if (p.perChannel()) {
            for (int d = p.axis() + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = p.perChannel() ? (int) ((i / inner) % s.length) : 0;
            int q = QuantMath.quantize(x[i], s[c], zp[c], p.levelLow(), p.levelHigh());
            out[i] = QuantMath.dequantize(q, s[c], zp[c]);
        }
        return out;
    }

    /** Symmetric per-tensor params covering max |x| with levels lo..hi (zero point 0, or the mid level if unsigned). */
    static QuantParams symmetric(float[] x, DType storage, int lo, int hi) {
        float absMax = 0;
        for (float v : x) {
            absMax = Math.max(absMax, Math.abs(v));
        }
        int zp = lo < 0 ? 0 : (lo + hi + 1) / 2;
        float scale = absMax / Math.min(hi - zp, zp - lo);
        return new QuantParams(new float[] {scale}, new int[] {zp}, -1, storage, lo, hi);
    }

    /** Asymmetric per-tensor params mapping [min(x, 0), max(x, 0)] onto lo..hi. */
    static QuantParams asymmetric(float[] x, DType storage, int lo, int hi) {
        float min = 0;
        float max = 0;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float scale = (max - min) / (hi - lo);
        int zp = (int) Math.max(lo, Math.min(hi, Math.round(lo - min / scale)));
        return new QuantParams(new float[] {scale}, new int[] {zp}, -1, storage, lo, hi);
    }

    /** Symmetric per-channel params along {@code axis} (signed storage, zero point 0). */
    static QuantParams perChannel(float[] x, long[] shape, int axis, DType storage, int lo, int hi) {
        int channels = (int) shape[axis];
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] absMax = new float[channels];
        for (int i = 0; i < x.length; i++) {
            int c = (int) ((i / inner) % channels);
            absMax[c] = Math.max(absMax[c], Math.abs(x[i]));
        }
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = absMax[c] / Math.min(hi, -lo);
        }
        return new QuantParams(scale, new int[channels], axis, storage, lo, hi);
    }

    /** Row-major [m,k] x [k,n]. */
    static float[] matMul(float[] a, float[] b, int m, int k, int n) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int t = 0; t < k; t++) {
                    sum += a[i * k + t] * b[t * n + j];
                }
                out[i * n + j] = sum;
            }
        }
        return out;
    }
}
