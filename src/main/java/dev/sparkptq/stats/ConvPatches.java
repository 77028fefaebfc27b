package dev.sparkptq.stats;

import dev.sparkptq.core.DataException;
import dev.sparkptq.graph.ConvPadding;

/**
 * im2col for one Conv input of a known shape: output positions and, per position and group, the receptive field as
 * one vector in the weight's {@code [C/groups, k_1..k_n]} order (zero where the kernel reads padding).
 */
final class ConvPatches {
    private final GramSpec spec;
    private final long[] inShape;
    private final int spatial;
    private final long[] begin;
    private final long[] out;
    private final int channelsPerGroup;

    ConvPatches(GramSpec spec, long[] inShape) {
        this.spec = spec;
        this.inShape = inShape.clone();
        this.spatial = spec.kernel().length;
        if (inShape.length != spatial + 2 || inShape[1] % spec.groups() != 0) {
            throw new DataException("Conv input '" + spec.tensor() + "' has shape " + java.util.Arrays.toString(inShape)
                    + ", which does not fit a " + spatial + "-d kernel with " + spec.groups() + " groups; check the "
                    + "model's input shapes");
        }
        this.channelsPerGroup = (int) (inShape[1] / spec.groups());
        this.begin = new long[spatial];
        this.out = new long[spatial];
        long[] k = spec.kernel();
        long[] s = spec.strides();
        long[] dil = spec.dilations();
        long[] pads = spec.pads();
        for (int d = 0; d < spatial; d++) {
            long in = inShape[d + 2];
            long[] pad = ConvPadding.resolve(spec.autoPad(), in, k[d], s[d], dil[d], pads[d], pads[d + spatial]);
            begin[d] = pad[0];
            out[d] = Math.max(0, (in + pad[0] + pad[1] - dil[d] * (k[d] - 1) - 1) / s[d] + 1);
        }
        long kernelSize = 1;
        for (long kd : k) {
            kernelSize *= kd;
        }
        if (channelsPerGroup * kernelSize != spec.dim()) {
            throw new DataException("Conv input '" + spec.tensor() + "' has " + channelsPerGroup + " channels per group"
                    + ", the weight expects " + spec.dim() / kernelSize + "; check the model");
        }
    }

    /** Output positions over the batch: {@code N · out_1···out_n}. */
    long positions() {
        long p = inShape[0];
        for (long o : out) {
            p *= o;
        }
        return p;
    }

    /** Fills {@code vec} (length dim) with group {@code g}'s receptive field at output position {@code position}. */
    void patch(float[] x, long position, int g, double[] vec) {
        long[] o = new long[spatial];
        long rest = position;
        for (int d = spatial - 1; d >= 0; d--) {
            o[d] = rest % out[d];
            rest /= out[d];
        }
        long n = rest;
        long[] k = spec.kernel();
        long[] s = spec.strides();
        long[] dil = spec.dilations();
        long[] kk = new long[spatial];
        int idx = 0;
        for (int ci = 0; ci < channelsPerGroup; ci++) {
            long base = n * inShape[1] + (long) g * channelsPerGroup + ci;
            java.util.Arrays.fill(kk, 0);
            do {
                long offset = base;
                boolean inside = true;
                for (int d = 0; d < spatial; d++) {
                    long at = o[d] * s[d] - begin[d] + kk[d] * dil[d];
                    inside &= at >= 0 && at < inShape[d + 2];
                    offset = offset * inShape[d + 2] + at;
                }
                vec[idx++] = inside ? x[(int) offset] : 0;
            } while (next(kk, k));
        }
    }

    /** Advances a mixed-radix counter; false after the last value. */
    private static boolean next(long[] counter, long[] radix) {
        for (int d = counter.length - 1; d >= 0; d--) {
            if (++counter[d] < radix[d]) {
                return true;
            }
            counter[d] = 0;
        }
        return false;
    }
}
