package dev.sparkptq.stats;

import dev.sparkptq.core.DataException;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Accumulates {@code H = Σ x xᵀ} per group over the input vectors a {@link GramSpec} cuts from each sample (layer-wise
 * tuning's statistic). Stores only the upper triangle. Merging adds the sums, so it is associative and commutative
 * and the empty accumulator is its identity — exactly in real arithmetic; in doubles the totals depend on the order
 * of the additions only by rounding (relative 1e-12 for SqueezeNet-sized sums), which callers make deterministic by
 * merging partitions in partition order.
 *
 * <p>Not thread-safe; a plain class with simple fields (it is shipped back from executors).
 */
public final class GramAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;
    private final GramSpec spec;
    private final double[][] upper;
    private long vectors;
    private long samples;

    public GramAccumulator(GramSpec spec) {
        this.spec = spec;
        long size = spec.packedSize() / spec.groups();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("H of '" + spec.tensor() + "' is too large: " + spec.dim() + "²");
        }
        this.upper = new double[spec.groups()][(int) size];
    }

    public GramSpec spec() {
        return spec;
    }

    /**
     * Adds one sample's tensor ({@code data} in row-major order with {@code shape}); {@code seed} decides which
     * positions are counted when there are more than {@code maxPositions}.
     */
    public void add(float[] data, long[] shape, long seed) {
        int d = spec.dim();
        double[] vec = new double[d];
        if (spec.layout() == GramSpec.Layout.ROWS) {
            if (shape.length == 0 || shape[shape.length - 1] != d) {
                throw new DataException("MatMul input '" + spec.tensor() + "' has shape "
                        + java.util.Arrays.toString(shape) + " but the weight expects " + d + " features last");
            }
            long rows = data.length / d;
            for (long r : chosen(rows, seed)) {
                for (int i = 0; i < d; i++) {
                    vec[i] = data[(int) (r * d + i)];
                }
                addVector(upper[0], vec);
            }
        } else {
            ConvPatches patches = new ConvPatches(spec, shape);
            for (long p : chosen(patches.positions(), seed)) {
                for (int g = 0; g < spec.groups(); g++) {
                    patches.patch(data, p, g, vec);
                    addVector(upper[g], vec);
                }
            }
        }
        samples++;
    }

    /** Adds {@code other}'s sums (same spec) into this one. */
    public void merge(GramAccumulator other) {
        if (!other.spec.key().equals(spec.key())) {
            throw new IllegalArgumentException("cannot merge H of " + other.spec.key() + " into " + spec.key());
        }
        for (int g = 0; g < upper.length; g++) {
            double[] a = upper[g];
            double[] b = other.upper[g];
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
        vectors += other.vectors;
        samples += other.samples;
    }

    /** The full symmetric matrices, one per group, and the counts. */
    public GramResult result() {
        int d = spec.dim();
        double[][] full = new double[upper.length][d * d];
        for (int g = 0; g < upper.length; g++) {
            int k = 0;
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    full[g][i * d + j] = upper[g][k];
                    full[g][j * d + i] = upper[g][k];
                    k++;
                }
            }
        }
        return new GramResult(spec, full, vectors, samples);
    }

    private void addVector(double[] h, double[] x) {
        int d = x.length;
        int row = 0;
        for (int i = 0; i < d; i++) {
            double xi = x[i];
            if (xi != 0) {
                for (int j = i; j < d; j++) {
                    h[row + j - i] += xi * x[j];
                }
            }
            row += d - i;
        }
        vectors++;
    }

    /**
     * Positions {@code 0..total-1} to count, ascending: all of them, or {@code maxPositions} drawn without
     * replacement by selection sampling (each position kept with probability needed/remaining) from {@code seed}.
     */
    long[] chosen(long total, long seed) {
        int m = spec.maxPositions();
        if (total <= m) {
            long[] all = new long[(int) total];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] out = new long[m];
        int taken = 0;
        for (long p = 0; p < total && taken < m; p++) {
            if (rnd.nextLong(total - p) < m - taken) {
                out[taken++] = p;
            }
        }
        return out;
    }
}
