package dev.sparkptq.stats;

import dev.sparkptq.core.Tensor;

/**
 * The per-sample QUANTILE / ABS_QUANTILE reduction: exact, from each sample's (and channel's) finite values.
 *
 * <p>One sequential pass over a sample scatters its finite values (or their absolute values) into a scratch array
 * grouped by channel — channel {@code c} owns the slots {@code [c * perChannel, (c + 1) * perChannel)} — counting
 * the non-finite ones; then each channel's group goes through {@link TailSelection} when the quantile lies in a short
 * tail (one pass, a small heap), else {@link Selection#quantile} (quickselect plus one scan, O(n) expected). A
 * per-tensor quantile of a sample without NaN/Inf skips the copy: its tail is selected straight from the batch. The scratch array is allocated once per batch and reused for every sample. Example: NHWC
 * {@code [N, 4, 4, 3]} with channel axis 3 has perChannel 16; the pass reads the 48 values in memory order and
 * appends each to its channel's group.
 */
final class QuantileReducer {

    private QuantileReducer() {
    }

    static Reduced reduce(Tensor batch, PerSampleReducer.Layout l, boolean abs, double q) {
        float[] data = batch.floats();
        int perChannel = l.outer * l.inner;
        float[] scratch = new float[l.sampleSize];
        int[] fill = new int[l.channels];
        double[][] values = new double[l.samples][];
        long nonFinite = 0;
        for (int s = 0; s < l.samples; s++) {
            int base = s * l.sampleSize;
            if (l.channels == 1) {
                // per tensor: a short tail is selected straight from the batch, no copy (NaN = not applicable)
                double direct = TailSelection.quantile(data, base, base + l.sampleSize, abs, q);
                if (!Double.isNaN(direct)) {
                    values[s] = new double[]{direct};
                    continue;
                }
            }
            nonFinite += scatter(data, base, l, abs, scratch, fill);
            double[] row = new double[l.channels];
            for (int c = 0; c < l.channels; c++) {
                int from = c * perChannel;
                row[c] = fill[c] == from ? Double.NaN : quantile(scratch, from, fill[c], q);
            }
            values[s] = row;
        }
        return new Reduced(values, nonFinite);
    }

    /** One channel group's quantile: the one-pass tail heap when the tail is short, else quickselect. */
    private static double quantile(float[] group, int from, int to, double q) {
        double tail = TailSelection.quantile(group, from, to, false, q);
        return Double.isNaN(tail) ? Selection.quantile(group, from, to, q) : tail;
    }

    /** Copies one sample's finite values into their channel groups; {@code fill[c]} ends at the group's end. */
    private static long scatter(float[] data, int base, PerSampleReducer.Layout l, boolean abs, float[] scratch,
                                int[] fill) {
        int perChannel = l.outer * l.inner;
        for (int c = 0; c < l.channels; c++) {
            fill[c] = c * perChannel;
        }
        long bad = 0;
        int idx = base;
        for (int o = 0; o < l.outer; o++) {
            for (int c = 0; c < l.channels; c++) {
                int pos = fill[c];
                for (int end = idx + l.inner; idx < end; idx++) {
                    float v = data[idx];
                    if (Math.abs(v) <= Float.MAX_VALUE) {
                        scratch[pos++] = abs ? Math.abs(v) : v;
                    } else {
                        bad++;
                    }
                }
                fill[c] = pos;
            }
        }
        return bad;
    }
}
