package dev.sparkptq.algorithms.equalization;

import java.util.Arrays;

/**
 * One link while it is being equalized: its activation's current channel ranges (null without statistics), the
 * product of the factors applied so far, and the mean shift it absorbed.
 */
final class LinkState {
    private final Link link;
    private final double[] lo;
    private final double[] hi;
    private final double[] total;
    private final boolean depthwiseConsumer;
    private double spreadBefore = Double.NaN;
    private double maxShift;

    /** @param ranges {@code {lo[], hi[]}} per channel of the activation, or null for the data-free criterion */
    LinkState(Link link, double[][] ranges) {
        this.link = link;
        this.lo = ranges == null ? null : ranges[0].clone();
        this.hi = ranges == null ? null : ranges[1].clone();
        this.total = new double[link.channels()];
        Arrays.fill(total, 1);
        this.depthwiseConsumer = link.consumer().opType().equals("Conv")
                && link.consumer().intAttr("group", 1) == link.channels();
    }

    /**
     * Moves each channel's mid-range into the biases: {@code b1[c] −= m_c}, {@code b2[o] += Σ W2[o, c, ·]·m_c}.
     * Only for links whose consumer reads the producer directly and pads nothing ({@link Link#linear},
     * {@link Link#consumerUnpadded}).
     */
    void centre(LayerValues v) {
        int channels = link.channels();
        double[] m = new double[channels];
        for (int c = 0; c < channels; c++) {
            double mid = (lo[c] + hi[c]) / 2;
            m[c] = Double.isFinite(mid) ? mid : 0;
            maxShift = Math.max(maxShift, Math.abs(m[c]));
        }
        if (maxShift == 0) {
            return;
        }
        spreadBefore = spread(absRanges());
        float[] b1 = v.get(v.bias(link.producer(), link.biasIn(), channels));
        for (int c = 0; c < channels; c++) {
            b1[c] = (float) (b1[c] - m[c]);
            lo[c] -= m[c];
            hi[c] -= m[c];
        }
        long[] shape = v.shape(link.weightOut());
        int outputs = (int) shape[0];
        float[] w2 = v.get(link.weightOut());
        double[] add = new double[outputs];
        int rowLength = w2.length / outputs;
        ConsumerAxis.forEachBlock(link.consumer(), shape, channels, (c, from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += w2[i];
            }
            add[from / rowLength] += s * m[c];
        });
        float[] b2 = v.get(v.bias(link.consumer(), link.biasOut(), outputs));
        for (int o = 0; o < outputs; o++) {
            b2[o] = (float) (b2[o] + add[o]);
        }
    }

    /** Computes and applies one round of factors; returns the largest {@code |ln s_c|}. */
    double scale(LayerValues v) {
        double[] s = lo == null ? weightFactors(v) : activationFactors(v);
        if (Double.isNaN(spreadBefore)) {
            spreadBefore = spread(lo == null ? ConsumerAxis.outputAbsMax(v.tensor(link.weightIn()), link.channels())
                    : absRanges());
        }
        apply(v, s);
        double moved = 0;
        for (double f : s) {
            moved = Math.max(moved, Math.abs(Math.log(f)));
        }
        return moved;
    }

    private double[] weightFactors(LayerValues v) {
        double[] r1 = ConsumerAxis.outputAbsMax(v.tensor(link.weightIn()), link.channels());
        double[] r2 = ConsumerAxis.inputAbsMax(link.consumer(), v.tensor(link.weightOut()), link.channels());
        double[] s = new double[r1.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = r1[c] > 0 && r2[c] > 0 ? clamp(Math.sqrt(r1[c] / r2[c])) : 1;
        }
        return s;
    }

    private double[] activationFactors(LayerValues v) {
        double[] a = absRanges();
        double[] t = new double[a.length];
        if (depthwiseConsumer) {
            System.arraycopy(a, 0, t, 0, a.length);
        } else {
            double[] r2 = ConsumerAxis.inputAbsMax(link.consumer(), v.tensor(link.weightOut()), link.channels());
            for (int c = 0; c < t.length; c++) {
                t[c] = r2[c] > 0 ? Math.sqrt(a[c] / r2[c]) : 0;
            }
        }
        double g = geometricMean(t);
        double[] s = new double[t.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = t[c] > 0 && Double.isFinite(t[c]) && g > 0 ? clamp(t[c] / g) : 1;
        }
        return s;
    }

    /** {@code W1[c] /= s_c}, {@code b1[c] /= s_c}, {@code W2[.., c, ..] *= s_c}; the activation ranges follow. */
    private void apply(LayerValues v, double[] s) {
        float[] w1 = v.get(link.weightIn());
        int per = w1.length / s.length;
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (w1[i] / s[i / per]);
        }
        String bias = link.biasIn() != null ? link.biasIn() : v.createdBias(link.producer());
        if (bias != null) {
            float[] b1 = v.get(bias);
            for (int c = 0; c < s.length; c++) {
                b1[c] = (float) (b1[c] / s[c]);
            }
        }
        float[] w2 = v.get(link.weightOut());
        ConsumerAxis.forEachBlock(link.consumer(), v.shape(link.weightOut()), s.length, (c, from, to) -> {
            for (int i = from; i < to; i++) {
                w2[i] = (float) (w2[i] * s[c]);
            }
        });
        for (int c = 0; c < s.length; c++) {
            total[c] *= s[c];
            if (lo != null) {
                lo[c] /= s[c];
                hi[c] /= s[c];
            }
        }
    }

    CrossLayerEqualization.Equalized summary(LayerValues v) {
        double after = spread(lo == null ? ConsumerAxis.outputAbsMax(v.tensor(link.weightIn()), link.channels())
                : absRanges());
        return new CrossLayerEqualization.Equalized(link.producer().name(), link.consumer().name(), link.channels(),
                Arrays.stream(total).min().orElse(1), Arrays.stream(total).max().orElse(1), spreadBefore, after,
                maxShift);
    }

    private double[] absRanges() {
        double[] a = new double[lo.length];
        for (int c = 0; c < a.length; c++) {
            double r = Math.max(Math.abs(lo[c]), Math.abs(hi[c]));
            a[c] = Double.isFinite(r) ? r : 0;
        }
        return a;
    }

    /** Largest over smallest positive range (1 when fewer than two channels have a positive range). */
    static double spread(double[] r) {
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double x : r) {
            if (x > 0 && Double.isFinite(x)) {
                max = Math.max(max, x);
                min = Math.min(min, x);
            }
        }
        return max > 0 ? max / min : 1;
    }

    static double geometricMean(double[] t) {
        double sum = 0;
        int n = 0;
        for (double x : t) {
            if (x > 0 && Double.isFinite(x)) {
                sum += Math.log(x);
                n++;
            }
        }
        return n == 0 ? 0 : Math.exp(sum / n);
    }

    private static double clamp(double s) {
        return Math.max(1 / CrossLayerEqualization.LIMIT, Math.min(CrossLayerEqualization.LIMIT, s));
    }
}
