package dev.sparkptq.accuracy;

import dev.sparkptq.config.AccuracyAwareSpec.Distance;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;

/**
 * POT's distances between the FP32 and the quantized outputs of one sample, used to pick the ranking subset when a
 * metric has no per-sample value: cosine distance (1 − cosine), KL divergence of the softmaxes, or mean squared
 * error. Larger means the quantized model strayed further (AccuracyAwareQuantization's ranking subset).
 */
public final class OutputDistance {
    private OutputDistance() {
    }

    public static double of(Distance kind, Tensor reference, Tensor output) {
        double[] a = doubles(reference);
        double[] b = doubles(output);
        if (a.length != b.length || a.length == 0) {
            return 0;
        }
        return switch (kind) {
            case COSINE -> 1 - Vectors.cosine(a, b);
            case KL -> kl(softmax(a), softmax(b));
            case MSE -> mse(a, b);
        };
    }

    /** The tensor as doubles (FLOAT or DOUBLE; empty for other types). */
    public static double[] doubles(Tensor t) {
        if (t.dtype() == DType.DOUBLE) {
            return ((double[]) t.data()).clone();
        }
        if (t.dtype() != DType.FLOAT) {
            return new double[0];
        }
        float[] f = t.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    public static double[] softmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.exp(v[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < v.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    private static double kl(double[] p, double[] q) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                sum += p[i] * Math.log(p[i] / Math.max(q[i], 1e-30));
            }
        }
        return sum;
    }

    private static double mse(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum / a.length;
    }
}
