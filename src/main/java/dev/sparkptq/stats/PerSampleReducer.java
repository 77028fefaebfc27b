package dev.sparkptq.stats;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;

import java.util.Arrays;

/**
 * Reduces a batch of activations (axis 0 = batch) to one statistic vector per sample, in a single pass over the
 * {@code float[]} without boxing.
 *
 * <p>Per channel, for any rank, the row-major layout is read as {@code [N, outer, C, inner]}: {@code outer} is the
 * product of the dimensions between the batch axis and the channel axis, {@code inner} the product of those after
 * it. Walking {@code n, o, c, i} in that order visits memory sequentially. Example: NCHW {@code [2, 3, 4, 4]} with
 * channel axis 1 gives outer 1, C 3, inner 16; NHWC {@code [2, 4, 4, 3]} with axis 3 gives outer 16, C 3, inner 1.
 *
 * <p>NaN and ±Inf elements are skipped and counted; an entry that saw no finite element is NaN.
 *
 * <p>MIN, MAX and ABS_MAX take the branch-free single pass below; the quantile statistics go to
 * {@link QuantileReducer}, so adding them did not touch the hot min/max loops.
 */
public final class PerSampleReducer {

    private PerSampleReducer() {
    }

    /**
     * @param batchOutput FLOAT tensor of rank ≥ 1 whose axis 0 is the batch
     * @param stat        the per-sample statistic
     * @param channelAxis -1 for one value per sample, else an axis in {@code 1..rank-1}
     */
    public static Reduced reduce(Tensor batchOutput, PerSampleStat stat, int channelAxis) {
        if (stat.needsProbability()) {
            throw new InternalException(stat + " needs a quantile probability; use reduce(tensor, stat, q, axis)");
        }
        Layout layout = Layout.of(batchOutput, channelAxis);
        if (stat == PerSampleStat.MEAN) {
            return mean(batchOutput.floats(), layout);
        }
        float[] data = batchOutput.floats();
        double[][] values = new double[layout.samples][];
        float[] acc = new float[layout.channels];
        long nonFinite = 0;
        for (int s = 0; s < layout.samples; s++) {
            int base = s * layout.sampleSize;
            nonFinite += layout.inner == 1 ? maxChannelsLast(data, base, layout, stat, acc)
                    : maxContiguous(data, base, layout, stat, acc);
            values[s] = finish(acc, stat);
        }
        return new Reduced(values, nonFinite);
    }

    /**
     * As {@link #reduce(Tensor, PerSampleStat, int)}, for any statistic: QUANTILE and ABS_QUANTILE are taken at
     * {@code probability} by {@link QuantileReducer} (exact, quickselect on a scratch copy); the others ignore it and
     * take the single-pass path.
     *
     * @param probability the quantile probability in [0, 1] for the quantile statistics, NaN for the others
     */
    public static Reduced reduce(Tensor batchOutput, PerSampleStat stat, double probability, int channelAxis) {
        if (!stat.needsProbability()) {
            return reduce(batchOutput, stat, channelAxis);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new InternalException(stat + " needs a probability in [0, 1], got " + probability);
        }
        return QuantileReducer.reduce(batchOutput, Layout.of(batchOutput, channelAxis),
                stat == PerSampleStat.ABS_QUANTILE, probability);
    }

    /**
     * Every statistic is computed as a maximum: MAX of {@code v}, ABS_MAX of {@code |v|}, MIN as {@code -max(-v)}
     * (negation is exact). {@code acc} starts at {@code -Inf}; a channel still at {@code -Inf} saw nothing finite.
     * This variant suits {@code inner > 1}: each channel's values are contiguous runs.
     */
    private static long maxContiguous(float[] data, int base, Layout l, PerSampleStat stat, float[] acc) {
        Arrays.fill(acc, Float.NEGATIVE_INFINITY);
        boolean abs = stat == PerSampleStat.ABS_MAX;
        float sign = stat == PerSampleStat.MIN ? -1f : 1f;
        long bad = 0;
        int idx = base;
        for (int o = 0; o < l.outer; o++) {
            for (int c = 0; c < l.channels; c++) {
                float m = acc[c];
                for (int end = idx + l.inner; idx < end; idx++) {
                    float v = data[idx];
                    boolean finite = Math.abs(v) <= Float.MAX_VALUE;
                    float x = abs ? Math.abs(v) : sign * v;
                    m = finite && x > m ? x : m;
                    bad += finite ? 0 : 1;
                }
                acc[c] = m;
            }
        }
        return bad;
    }

    /** As {@link #maxContiguous} for {@code inner == 1} (channels last, e.g. NHWC or [N, T, C]). */
    private static long maxChannelsLast(float[] data, int base, Layout l, PerSampleStat stat, float[] acc) {
        Arrays.fill(acc, Float.NEGATIVE_INFINITY);
        boolean abs = stat == PerSampleStat.ABS_MAX;
        float sign = stat == PerSampleStat.MIN ? -1f : 1f;
        long bad = 0;
        int channels = l.channels;
        for (int o = 0, idx = base; o < l.outer; o++, idx += channels) {
            for (int c = 0; c < channels; c++) {
                float v = data[idx + c];
                boolean finite = Math.abs(v) <= Float.MAX_VALUE;
                float x = abs ? Math.abs(v) : sign * v;
                acc[c] = finite && x > acc[c] ? x : acc[c];
                bad += finite ? 0 : 1;
            }
        }
        return bad;
    }

    /** Per-sample (per-channel) mean of the finite values, summed in double; NaN where nothing was finite. */
    private static Reduced mean(float[] data, Layout l) {
        double[][] values = new double[l.samples][];
        long nonFinite = 0;
        for (int s = 0; s < l.samples; s++) {
            double[] sum = new double[l.channels];
            long[] count = new long[l.channels];
            int idx = s * l.sampleSize;
            for (int o = 0; o < l.outer; o++) {
                for (int c = 0; c < l.channels; c++) {
                    for (int i = 0; i < l.inner; i++, idx++) {
                        float v = data[idx];
                        if (Math.abs(v) <= Float.MAX_VALUE) {
                            sum[c] += v;
                            count[c]++;
                        } else {
                            nonFinite++;
                        }
                    }
                }
            }
            for (int c = 0; c < l.channels; c++) {
                sum[c] = count[c] == 0 ? Double.NaN : sum[c] / count[c];
            }
            values[s] = sum;
        }
        return new Reduced(values, nonFinite);
    }

    private static double[] finish(float[] acc, PerSampleStat stat) {
        double[] row = new double[acc.length];
        for (int c = 0; c < acc.length; c++) {
            float m = acc[c];
            row[c] = m == Float.NEGATIVE_INFINITY ? Double.NaN : stat == PerSampleStat.MIN ? -m : m;
        }
        return row;
    }

    /** The {@code [N, outer, C, inner]} view of a batch; plain static class to keep the hot loops monomorphic. */
    static final class Layout {
        final int samples;
        final int outer;
        final int channels;
        final int inner;
        final int sampleSize;

        private Layout(int samples, int outer, int channels, int inner) {
            this.samples = samples;
            this.outer = outer;
            this.channels = channels;
            this.inner = inner;
            this.sampleSize = outer * channels * inner;
        }

        static Layout of(Tensor t, int channelAxis) {
            if (t.dtype() != DType.FLOAT) {
                throw new InternalException("per-sample statistics need a FLOAT tensor, got " + t
                        + "; only float activations are calibrated");
            }
            int rank = t.rank();
            if (rank < 1) {
                throw new InternalException("per-sample statistics need a batch axis, got scalar " + t);
            }
            if (channelAxis != -1 && (channelAxis < 1 || channelAxis >= rank)) {
                throw new InternalException("channel axis " + channelAxis + " is not a non-batch axis of " + t
                        + "; use -1 or 1.." + (rank - 1));
            }
            long[] shape = t.shape();
            if (channelAxis == -1) {
                return new Layout((int) shape[0], 1, 1, (int) product(shape, 1, rank));
            }
            return new Layout((int) shape[0], (int) product(shape, 1, channelAxis), (int) shape[channelAxis],
                    (int) product(shape, channelAxis + 1, rank));
        }

        private static long product(long[] shape, int from, int to) {
            long p = 1;
            for (int i = from; i < to; i++) {
                p *= shape[i];
            }
            return p;
        }
    }
}
