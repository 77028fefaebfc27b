package dev.sparkptq.stats;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Accumulates {@code H = Σ x xᵀ} per group over the input vectors a {@link GramSpec} cuts from each sample (layer-wise
 * tuning's statistic) and, for a paired spec, {@code H̃ = Σ x̃ x̃ᵀ} and {@code C = Σ x x̃ᵀ} with {@code x̃} the
 * vector at the same position of the quantized model's tensor. Stores upper triangles of the symmetric ones. Merging adds the sums, so
 * it is associative and commutative and the empty accumulator is its identity — exactly in real arithmetic; in
 * doubles the totals depend on the order of the additions only by rounding (relative 1e-12 for SqueezeNet-sized
 * sums), which callers make deterministic by merging partitions in partition order.
 *
 * <p>Not thread-safe; a plain class with simple fields (it is shipped back from executors).
 */
public final class GramAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;
    private final GramSpec spec;
    private final double[][] upper;
    private final double[][] upperQuantized;
    private final double[][] cross;
    private long vectors;
    private long samples;

    public GramAccumulator(GramSpec spec) {
        this.spec = spec;
        long d = spec.dim();
        if (d * d > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("H of '" + spec.tensor() + "' is too large: " + d + "²");
        }
        int triangle = (int) (d * (d + 1) / 2);
        this.upper = new double[spec.groups()][triangle];
        boolean q = spec.pairedTensor() != null;
        this.upperQuantized = q ? new double[spec.groups()][triangle] : null;
        this.cross = q ? new double[spec.groups()][(int) (d * d)] : null;
    }

    public GramSpec spec() {
        return spec;
    }

    /** Adds one sample's tensor of an unpaired spec (see {@link #add(float[], float[], long[], long)}). */
    public void add(float[] data, long[] shape, long seed) {
        add(data, null, shape, seed);
    }

    /**
     * Adds one sample's tensor ({@code data} in row-major order with {@code shape}) and, for a paired spec, the paired
     * tensor of the same shape; {@code seed} decides which positions are counted when there are more than
     * {@code maxPositions}.
     */
    public void add(float[] data, float[] quantized, long[] shape, long seed) {
        int d = spec.dim();
        if ((quantized == null) != (spec.pairedTensor() == null)
                || (quantized != null && quantized.length != data.length)) {
            // both tensors come from our own models on the same sample: a mismatch is a spark-ptq bug (exit 1)
            throw new InternalException("layer-wise tuning: '" + spec.tensor() + "' and its "
                    + "quantized-model counterpart '" + spec.pairedTensor() + "' differ in size");
        }
        double[] x = new double[d];
        double[] xq = new double[d];
        if (spec.layout() == GramSpec.Layout.ROWS) {
            if (shape.length == 0 || shape[shape.length - 1] != d) {
                throw new DataException("MatMul input '" + spec.tensor() + "' has shape "
                        + java.util.Arrays.toString(shape) + " but the weight expects " + d + " features last");
            }
            long[] rows = chosen(data.length / d, seed);
            Batch batch = new Batch(d, rows.length, quantized != null);
            for (long r : rows) {
                for (int i = 0; i < d; i++) {
                    x[i] = data[(int) (r * d + i)];
                    xq[i] = quantized == null ? 0 : quantized[(int) (r * d + i)];
                }
                batch.put(x, xq);
            }
            addBatch(0, batch);
        } else {
            ConvPatches patches = new ConvPatches(spec, shape);
            long[] positions = chosen(patches.positions(), seed);
            for (int g = 0; g < spec.groups(); g++) {
                Batch batch = new Batch(d, positions.length, quantized != null);
                for (long p : positions) {
                    patches.patch(data, p, g, x);
                    if (quantized != null) {
                        patches.patch(quantized, p, g, xq);
                    }
                    batch.put(x, xq);
                }
                addBatch(g, batch);
            }
        }
        samples++;
    }

    /**
     * One sample's vectors of one group, stored feature-major ({@code x[i·m + b]}) so that each entry of H is updated
     * once per sample by a contiguous dot product — the per-vector rank-1 update would stream all of H through the
     * cache for every vector.
     */
    private static final class Batch {
        final int d;
        final int m;
        final double[] x;
        final double[] xq;
        int count;

        Batch(int d, int m, boolean quantized) {
            this.d = d;
            this.m = m;
            this.x = new double[d * m];
            this.xq = quantized ? new double[d * m] : null;
        }

        void put(double[] v, double[] vq) {
            for (int i = 0; i < d; i++) {
                x[i * m + count] = v[i];
                if (xq != null) {
                    xq[i * m + count] = vq[i];
                }
            }
            count++;
        }
    }

    /** Adds {@code other}'s sums (same spec) into this one. */
    public void merge(GramAccumulator other) {
        if (!other.spec.key().equals(spec.key())) {
            throw new IllegalArgumentException("cannot merge H of " + other.spec.key() + " into " + spec.key());
        }
        for (int g = 0; g < upper.length; g++) {
            addInto(upper[g], other.upper[g]);
            if (cross != null) {
                addInto(upperQuantized[g], other.upperQuantized[g]);
                addInto(cross[g], other.cross[g]);
            }
        }
        vectors += other.vectors;
        samples += other.samples;
    }

    /** The full matrices, one per group, and the counts (H̃ and C are H itself without an input quantizer). */
    public GramResult result() {
        int d = spec.dim();
        double[][] h = new double[upper.length][];
        double[][] hq = new double[upper.length][];
        double[][] c = new double[upper.length][];
        for (int g = 0; g < upper.length; g++) {
            h[g] = full(upper[g], d);
            hq[g] = cross == null ? h[g] : full(upperQuantized[g], d);
            c[g] = cross == null ? h[g] : cross[g].clone();
        }
        return new GramResult(spec, h, hq, c, vectors, samples);
    }

    private static double[] full(double[] packed, int d) {
        double[] out = new double[d * d];
        int k = 0;
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                out[i * d + j] = packed[k];
                out[j * d + i] = packed[k];
                k++;
            }
        }
        return out;
    }

    private void addBatch(int g, Batch b) {
        addGram(upper[g], b.x, b.x, b.d, b.m, true);
        if (cross != null) {
            addGram(upperQuantized[g], b.xq, b.xq, b.d, b.m, true);
            addGram(cross[g], b.x, b.xq, b.d, b.m, false);
        }
        vectors += b.m;
    }

    /**
     * {@code out[i, j] += Σ_b u[i·m + b]·v[j·m + b]}: the packed upper triangle ({@code j ≥ i}) when {@code packed},
     * else the full row-major matrix.
     */
    private static void addGram(double[] out, double[] u, double[] v, int d, int m, boolean packed) {
        int k = 0;
        for (int i = 0; i < d; i++) {
            int ui = i * m;
            for (int j = packed ? i : 0; j < d; j++) {
                int vj = j * m;
                double sum = 0;
                for (int b = 0; b < m; b++) {
                    sum += u[ui + b] * v[vj + b];
                }
                out[packed ? k++ : i * d + j] += sum;
            }
        }
    }

    private static void addInto(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
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
