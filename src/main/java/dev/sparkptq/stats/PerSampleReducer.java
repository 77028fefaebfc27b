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
        Layout layout = Layout.of(batchOutput, channelAxis);
        float[] data = batchOutput.floats();
        double[][] values = new double[layout.samples][];
        long nonFinite = 0;
        for (int s = 0; s < layout.samples; s++) {
            double[] row = new double[layout.channels];
            int base = s * layout.sampleSize;
            nonFinite += switch (stat) {
                case MIN -> min(data, base, layout, row);
                case MAX -> max(data, base, layout, row);
                case ABS_MAX -> absMax(data, base, layout, row);
            };
            values[s] = row;
        }
        return new Reduced(values, nonFinite);
    }

    private static long min(float[] data, int base, Layout l, double[] row) {
        float[] acc = new float[l.channels];
        Arrays.fill(acc, Float.POSITIVE_INFINITY);
        long bad = 0;
        int idx = base;
        for (int o = 0; o < l.outer; o++) {
            for (int c = 0; c < l.channels; c++) {
                float m = acc[c];
                for (int end = idx + l.inner; idx < end; idx++) {
                    float v = data[idx];
                    if (Math.abs(v) <= Float.MAX_VALUE) {
                        m = v < m ? v : m;
                    } else {
                        bad++;
                    }
                }
                acc[c] = m;
            }
        }
        for (int c = 0; c < l.channels; c++) {
            row[c] = acc[c] == Float.POSITIVE_INFINITY ? Double.NaN : acc[c];
        }
        return bad;
    }

    private static long max(float[] data, int base, Layout l, double[] row) {
        float[] acc = new float[l.channels];
        Arrays.fill(acc, Float.NEGATIVE_INFINITY);
        long bad = 0;
        int idx = base;
        for (int o = 0; o < l.outer; o++) {
            for (int c = 0; c < l.channels; c++) {
                float m = acc[c];
                for (int end = idx + l.inner; idx < end; idx++) {
                    float v = data[idx];
                    if (Math.abs(v) <= Float.MAX_VALUE) {
                        m = v > m ? v : m;
                    } else {
                        bad++;
                    }
                }
                acc[c] = m;
            }
        }
        for (int c = 0; c < l.channels; c++) {
            row[c] = acc[c] == Float.NEGATIVE_INFINITY ? Double.NaN : acc[c];
        }
        return bad;
    }

    private static long absMax(float[] data, int base, Layout l, double[] row) {
        float[] acc = new float[l.channels];
        Arrays.fill(acc, -1f);
        long bad = 0;
        int idx = base;
        for (int o = 0; o < l.outer; o++) {
            for (int c = 0; c < l.channels; c++) {
                float m = acc[c];
                for (int end = idx + l.inner; idx < end; idx++) {
                    float a = Math.abs(data[idx]);
                    if (a <= Float.MAX_VALUE) {
                        m = a > m ? a : m;
                    } else {
                        bad++;
                    }
                }
                acc[c] = m;
            }
        }
        for (int c = 0; c < l.channels; c++) {
            row[c] = acc[c] < 0f ? Double.NaN : acc[c];
        }
        return bad;
    }

    /** The {@code [N, outer, C, inner]} view of a batch; plain static class to keep the hot loops monomorphic. */
    private static final class Layout {
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
