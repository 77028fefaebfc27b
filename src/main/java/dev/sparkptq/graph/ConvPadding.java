package dev.sparkptq.graph;

/**
 * ONNX Conv padding along one spatial axis: the explicit {@code pads}, or what {@code auto_pad} makes of them for a
 * given input size. One place for the SAME_UPPER/SAME_LOWER split (the extra odd pad goes at the end for UPPER, at the
 * beginning for LOWER), shared by the closed-form bias shift and layer-wise tuning's im2col.
 */
public final class ConvPadding {
    private ConvPadding() {
    }

    /**
     * @param autoPad ONNX {@code auto_pad}: NOTSET, VALID, SAME_UPPER or SAME_LOWER
     * @param begin   {@code pads} before the axis (used only for NOTSET)
     * @param end     {@code pads} after the axis (used only for NOTSET)
     * @return {@code {begin, end}} padding actually applied
     */
    public static long[] resolve(String autoPad, long in, long kernel, long stride, long dilation, long begin,
                                 long end) {
        if (autoPad.equals("VALID")) {
            return new long[] {0, 0};
        }
        if (autoPad.startsWith("SAME")) {
            long out = (in + stride - 1) / stride;
            long total = Math.max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - in);
            long b = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
            return new long[] {b, total - b};
        }
        return new long[] {begin, end};
    }
}
