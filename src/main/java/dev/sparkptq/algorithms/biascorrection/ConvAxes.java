package dev.sparkptq.algorithms.biascorrection;

import dev.sparkptq.graph.ConvPadding;
import dev.sparkptq.graph.Node;

/** A Conv's spatial geometry ({@code strides}, {@code dilations}, {@code pads} or {@code auto_pad}) per axis. */
final class ConvAxes {
    private ConvAxes() {
    }

    /**
     * @param inShape input shape {@code [N, C, d_1..d_n]}
     * @param wShape  weight shape {@code [OC, C/group, k_1..k_n]}
     * @return one axis per spatial dimension, or null when a spatial input size is unknown
     */
    static BiasShift.Axis[] of(Node conv, long[] inShape, long[] wShape) {
        int n = inShape.length - 2;
        long[] strides = conv.intsAttr("strides");
        long[] dilations = conv.intsAttr("dilations");
        long[] pads = conv.intsAttr("pads");
        String autoPad = conv.stringAttr("auto_pad", "NOTSET");
        BiasShift.Axis[] axes = new BiasShift.Axis[n];
        for (int d = 0; d < n; d++) {
            long in = inShape[d + 2];
            if (in <= 0) {
                return null;
            }
            int k = (int) wShape[d + 2];
            int s = strides == null ? 1 : (int) strides[d];
            int dil = dilations == null ? 1 : (int) dilations[d];
            long[] pad = ConvPadding.resolve(autoPad, in, k, s, dil, pads == null ? 0 : pads[d],
                    pads == null ? 0 : pads[d + n]);
            axes[d] = new BiasShift.Axis(in, k, s, dil, pad[0], pad[1]);
        }
        return axes;
    }
}
