package dev.sparkptq.accuracy;

import java.io.Serializable;

/**
 * The running sums of one output's fidelity to FP32 over samples ({@link FidelityAccumulator}): sums only, so merging
 * is exact, associative and commutative.
 *
 * <p><b>One value per sample</b> (a face score, a wake-word probability: one element): the cosine of a 1-element
 * vector is only sign agreement, so such an output's cosine is pooled — the cosine of the vector of that output
 * across samples, from {@code Σx·x̂}, {@code Σx²}, {@code Σx̂²}. Its SQNR pools the energies over samples like every
 * output's. Larger outputs keep the mean of per-sample cosines (one sample with a wrong map is not averaged away by the
 * energy of the others).
 *
 * <p><b>Argmax agreement</b> only for outputs that are class scores, decided in two steps:
 * <ol>
 *   <li>the shape: one score vector per sample (exactly one axis longer than 1);</li>
 *   <li>the values (FP32's), because a regression vector has the same shape ([1, 1404] landmark coordinates, a
 *       [1, 96] embedding): the vector counts as class scores when every sample's values are probabilities (non-negative,
 *       summing to 1 — a Softmax), or when its elements are <em>exchangeable</em>: the spread of the per-element means
 *       over samples is smaller than the spread of each element over samples (the share of the variance that the
 *       element index explains, {@code B / (B + W)}, is below {@link #LAYOUT_SHARE}). Class logits vary with the input
 *       around similar means, so the largest one is the model's decision; a landmark's x or an embedding dimension
 *       sits where its index puts it, so the largest element is a property of the layout and its "agreement" means
 *       nothing. Decided over all samples seen (at least 2; with one sample only probabilities count).</li>
 * </ol>
 */
final class OutputSums implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Above this share of variance explained by the element index, a vector is values in a layout, not scores. */
    static final double LAYOUT_SHARE = 0.5;
    /** How far from 1 a sample's sum may be and still count as a probability vector (float Softmax rounding). */
    static final double PROBABILITY_TOLERANCE = 1e-3;

    private final int length;
    private final boolean vector;
    private double cosines;
    private double dot;
    private double signal;
    private double quantized;
    private double noise;
    private long argmaxAgree;
    private long samples;
    /** Per element of a score-vector-shaped output: Σx and Σx² of FP32's values over samples (null otherwise). */
    private final double[] elementSum;
    private final double[] elementSquares;
    private boolean probabilities = true;

    /**
     * @param length   the output's element count per sample
     * @param vector   whether its shape is one score vector (exactly one axis longer than 1)
     */
    OutputSums(int length, boolean vector) {
        this.length = length;
        this.vector = vector;
        this.elementSum = vector ? new double[length] : null;
        this.elementSquares = vector ? new double[length] : null;
    }

    /** An empty accumulator of the same output (what a merge target starts from). */
    OutputSums empty() {
        return new OutputSums(length, vector);
    }

    /** Adds one sample: FP32's values {@code ref} and the evaluated model's {@code q} (same length). */
    void add(double[] ref, double[] q) {
        cosines += Vectors.cosine(q, ref);
        double total = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = ref[i] - q[i];
            dot += ref[i] * q[i];
            signal += ref[i] * ref[i];
            quantized += q[i] * q[i];
            noise += d * d;
            total += ref[i];
            probabilities &= ref[i] >= 0;
        }
        if (vector) {
            probabilities &= Math.abs(total - 1) <= PROBABILITY_TOLERANCE;
            for (int i = 0; i < ref.length; i++) {
                elementSum[i] += ref[i];
                elementSquares[i] += ref[i] * ref[i];
            }
            int a = Vectors.argmax(toFloats(ref));
            if (a != Vectors.NO_ARGMAX && a == Vectors.argmax(toFloats(q))) {
                argmaxAgree++;
            }
        }
        samples++;
    }

    void merge(OutputSums o) {
        cosines += o.cosines;
        dot += o.dot;
        signal += o.signal;
        quantized += o.quantized;
        noise += o.noise;
        argmaxAgree += o.argmaxAgree;
        samples += o.samples;
        probabilities &= o.probabilities;
        if (vector) {
            for (int i = 0; i < length; i++) {
                elementSum[i] += o.elementSum[i];
                elementSquares[i] += o.elementSquares[i];
            }
        }
    }

    FidelityAccumulator.OutputScore score(String output) {
        double nsr = noise == 0 ? 0 : signal == 0 || !Double.isFinite(noise) ? Double.POSITIVE_INFINITY
                : noise / signal;
        double db = nsr == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(nsr);
        boolean pooled = length == 1;
        double cosine = pooled ? Vectors.cosine(dot, signal, quantized) : cosines / samples;
        return new FidelityAccumulator.OutputScore(output, cosine, db, nsr,
                classScores() ? (double) argmaxAgree / samples : null, samples, pooled);
    }

    /** Whether argmax agreement means something for this output (see the class comment). */
    boolean classScores() {
        if (!vector || samples == 0) {
            return false;
        }
        return probabilities || (samples > 1 && layoutShare() < LAYOUT_SHARE);
    }

    /**
     * The share of FP32's variance (over samples and elements) that the element index explains: {@code B / (B + W)}
     * with {@code B} the variance of the per-element means and {@code W} the mean over elements of each element's
     * variance over samples; 1 when nothing varies with the input.
     */
    double layoutShare() {
        double[] mean = new double[length];
        double grand = 0;
        double within = 0;
        for (int i = 0; i < length; i++) {
            mean[i] = elementSum[i] / samples;
            grand += mean[i] / length;
            within += Math.max(0, elementSquares[i] / samples - mean[i] * mean[i]) / length;
        }
        double between = 0;
        for (double m : mean) {
            between += (m - grand) * (m - grand) / length;
        }
        return within == 0 ? 1 : between / (between + within);
    }

    /** The values as the model computed them (float ties decide the argmax as they do in the other metrics). */
    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
