package dev.sparkptq.algorithms.prepare;

/**
 * The arithmetic of folding an inference BatchNormalization {@code y = γ·(x − μ)/√(σ² + ε) + β} into the op before
 * it: per output channel {@code c}, {@code y = a[c]·x + b[c]} with {@code a = γ/√(σ² + ε)} and
 * {@code b = β − μ·a}; the producer's weights along the output channel are multiplied by {@code a} and its bias
 * becomes {@code bias·a + b}. Computed in double, rounded once to float.
 */
final class BatchNormMath {
    /** Per-channel {@code a} (scale) and {@code b} (shift). */
    record Affine(double[] a, double[] b) {
        int channels() {
            return a.length;
        }

        /** True when every {@code a} is 1 (a pure shift: the weights stay as they are). */
        boolean scalesNothing() {
            for (double v : a) {
                if (v != 1) {
                    return false;
                }
            }
            return true;
        }
    }

    private BatchNormMath() {
    }

    static Affine affine(float[] gamma, float[] beta, float[] mean, float[] var, double epsilon) {
        int c = gamma.length;
        double[] a = new double[c];
        double[] b = new double[c];
        for (int i = 0; i < c; i++) {
            a[i] = gamma[i] / Math.sqrt((double) var[i] + epsilon);
            b[i] = beta[i] - mean[i] * a[i];
        }
        return new Affine(a, b);
    }

    /** Conv weights {@code [Cout, Cin/group, k…]}: row {@code co} scaled by {@code a[co]}. */
    static float[] scaleConv(float[] w, Affine f) {
        int per = w.length / f.channels();
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) (w[i] * f.a()[i / per]);
        }
        return out;
    }

    /**
     * ConvTranspose weights {@code [Cin, Cout/group, k…]}: input channel {@code ci} of group {@code g} feeds output
     * channels {@code g·Cout/group + j}, so element {@code [ci, j, …]} is scaled by {@code a[g·Cout/group + j]}.
     */
    static float[] scaleConvTranspose(float[] w, long[] shape, int group, Affine f) {
        long cin = shape[0];
        long coutPerGroup = shape[1];
        long kernel = w.length / (cin * coutPerGroup);
        long cinPerGroup = cin / group;
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            long ci = i / (coutPerGroup * kernel);
            long j = (i / kernel) % coutPerGroup;
            long co = (ci / cinPerGroup) * coutPerGroup + j;
            out[i] = (float) (w[i] * f.a()[(int) co]);
        }
        return out;
    }

    /** A 2-D matrix whose output channel is its column ({@code [K, N]}) or its row ({@code [N, K]}). */
    static float[] scaleMatrix(float[] w, long rows, long cols, boolean channelIsRow, Affine f) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            int channel = (int) (channelIsRow ? i / cols : i % cols);
            out[i] = (float) (w[i] * f.a()[channel]);
        }
        return out;
    }

    /**
     * The new bias {@code bias·a + b} per element of a bias laid out with its channel every {@code stride}-th
     * position modulo the channel count ({@code bias == null}: zero bias of one value per channel).
     */
    static float[] bias(float[] bias, Affine f) {
        int c = f.channels();
        int n = bias == null ? c : bias.length;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int channel = i % c;
            double v = bias == null ? 0 : bias[i];
            out[i] = (float) (v * f.a()[channel] + f.b()[channel]);
        }
        return out;
    }

    static float[] toFloats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
