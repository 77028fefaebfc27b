package dev.sparkptq.accuracy;

import dev.sparkptq.core.InternalException;

import java.util.Arrays;

/**
 * Keeps every (score, gold) pair of a rank correlation: ranks are global, so no per-partition summary short of the
 * pairs themselves gives the exact coefficient. 16 bytes per sample (16 KB per thousand) is small next to the
 * models shipped with the job. Merge concatenates; {@link #value()} sorts the pairs first, so the result does not
 * depend on the order in which partitions were merged.
 */
public final class PairsAccumulator implements MetricAccumulator {
    private static final long serialVersionUID = 1L;

    private double[] scores = new double[16];
    private double[] golds = new double[16];
    private int size;

    /** Not used: a rank correlation needs the gold value with each score. */
    @Override
    public void add(double perSampleValue) {
        throw new InternalException("a rank-correlation accumulator needs (score, gold) pairs; aggregate through "
                + "Metric.accumulate, not by adding per-sample values");
    }

    /** Adds one pair; both must be finite. */
    public void add(double score, double gold) {
        if (!Double.isFinite(score) || !Double.isFinite(gold)) {
            throw new InternalException("rank correlation got the pair (" + score + ", " + gold
                    + "); metrics must map degenerate outputs to a finite score");
        }
        if (size == scores.length) {
            scores = Arrays.copyOf(scores, size * 2);
            golds = Arrays.copyOf(golds, size * 2);
        }
        scores[size] = score;
        golds[size] = gold;
        size++;
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof PairsAccumulator p)) {
            throw new InternalException("cannot merge a " + other.getClass().getSimpleName()
                    + " into a PairsAccumulator; accumulators of one metric must come from the same newAccumulator()");
        }
        for (int i = 0; i < p.size; i++) {
            add(p.scores[i], p.golds[i]);
        }
    }

    /** Spearman's rho of the pairs (ties get average ranks); NaN while empty. */
    @Override
    public double value() {
        if (size == 0) {
            return Double.NaN;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b])
                : Double.compare(golds[a], golds[b]));
        double[] x = new double[size];
        double[] y = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = scores[order[i]];
            y[i] = golds[order[i]];
        }
        return Ranks.spearman(x, y);
    }

    @Override
    public long count() {
        return size;
    }

    /** Only the filled part travels between executors and the driver. */
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        scores = Arrays.copyOf(scores, Math.max(size, 1));
        golds = Arrays.copyOf(golds, Math.max(size, 1));
        out.defaultWriteObject();
    }
}
