package dev.sparkptq.accuracy;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/** Small vector math shared by the metrics; everything flattened to one vector per sample, in double precision. */
final class Vectors {
    /** No argmax: the vector holds a NaN (or is empty), so no class can be called the prediction. */
    static final int NO_ARGMAX = -1;

    private Vectors() {
    }

    /** The named tensor of a sample's output map, or an internal error: the evaluator must request what metrics read. */
    static Tensor tensor(Map<String, Tensor> tensors, String name, String metric, EvalSample s, String which) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new InternalException("metric '" + metric + "' reads output '" + name + "' but the " + which
                    + " of sample '" + s.id() + "' hold only " + new TreeSet<>(tensors.keySet())
                    + "; the evaluator must request every output the metrics read");
        }
        return t;
    }

    /** The first index of the largest value (ties go to the lower index); {@link #NO_ARGMAX} on NaN or empty. */
    static int argmax(float[] v) {
        int best = NO_ARGMAX;
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i])) {
                return NO_ARGMAX;
            }
            if (best == NO_ARGMAX || v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Cosine similarity: 1 when both vectors are zero (identical), 0 when only one is, 0 when the result is not
     * finite (NaN/Inf outputs); clamped to [-1, 1] against rounding.
     */
    static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return cosine(dot, na, nb);
    }

    /** {@link #cosine(double[], double[])} from the sums {@code Σab}, {@code Σa²}, {@code Σb²} (same conventions). */
    static double cosine(double dot, double na, double nb) {
        if (na == 0 && nb == 0) {
            return 1;
        }
        if (na == 0 || nb == 0) {
            return 0;
        }
        double c = dot / (Math.sqrt(na) * Math.sqrt(nb));
        return Double.isFinite(c) ? Math.max(-1, Math.min(1, c)) : 0;
    }

    static double[] flatten(Tensor t) {
        float[] f = t.toFloats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * Mask-weighted mean over the sequence axis of each row of a [rows, seq, hidden] tensor (a sentence pair is a
     * batch of 2), with the [rows, seq] mask. A missing mask counts every token; a row whose mask is all zeros has
     * no token to average and is a data error.
     */
    static double[][] meanPoolRows(Tensor x, Tensor mask, EvalSample s, String output) {
        long[] shape = x.shape();
        if (shape.length != 3) {
            throw new DataException("mean pooling needs output '" + output + "' shaped [batch, seq, hidden], got "
                    + Arrays.toString(shape) + " for sample '" + s.id() + "'; use pooling NONE for other shapes");
        }
        int rows = Math.toIntExact(shape[0]);
        int seq = Math.toIntExact(shape[1]);
        int hidden = Math.toIntExact(shape[2]);
        float[] w = mask == null ? ones(rows * seq) : mask.toFloats();
        if (w.length != rows * seq) {
            throw new DataException("attention_mask of sample '" + s.id() + "' has " + w.length
                    + " elements but output '" + output + "' has " + rows + "x" + seq + " tokens; feed the mask "
                    + "the model saw");
        }
        float[] v = x.toFloats();
        double[][] pooled = new double[rows][hidden];
        for (int r = 0; r < rows; r++) {
            double total = 0;
            for (int t = 0; t < seq; t++) {
                double wt = w[r * seq + t];
                total += wt;
                int base = (r * seq + t) * hidden;
                for (int h = 0; h < hidden; h++) {
                    pooled[r][h] += wt * v[base + h];
                }
            }
            if (total == 0) {
                throw new DataException("attention_mask of sample '" + s.id() + "' is all zeros"
                        + (rows > 1 ? " in row " + r : "") + ", so mean pooling has no token to average; drop empty "
                        + "samples from the data");
            }
            for (int h = 0; h < hidden; h++) {
                pooled[r][h] /= total;
            }
        }
        return pooled;
    }

    /** Fails when the evaluated and the FP32 output differ in size: the rewrite changed what the model computes. */
    static void checkSameSize(Tensor output, Tensor reference, String name, EvalSample s) {
        if (output.numel() != reference.numel()) {
            throw new InternalException("output '" + name + "' of sample '" + s.id() + "' has shape "
                    + Arrays.toString(output.shape()) + " but the FP32 reference has "
                    + Arrays.toString(reference.shape()) + "; the quantized model must keep the output shapes");
        }
    }

    private static float[] ones(int n) {
        float[] w = new float[n];
        Arrays.fill(w, 1f);
        return w;
    }
}
