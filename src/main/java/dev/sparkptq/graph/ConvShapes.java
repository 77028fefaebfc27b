package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;

/**
 * Output shapes of the compute ops: Conv, ConvTranspose and the pooling ops (ONNX's formulas with pads, strides,
 * dilations, {@code auto_pad}, {@code ceil_mode}, ConvTranspose's {@code output_padding}/{@code output_shape}),
 * global pooling, Gemm and MatMul. Unknown input sizes give unknown output sizes, never a guess.
 */
final class ConvShapes {
    private ConvShapes() {
    }

    /** Conv, ConvTranspose, MaxPool, AveragePool, LpPool. */
    static long[] windowed(OnnxMl.NodeProto n, ShapeRules.Inputs in) {
        String op = n.getOpType();
        boolean conv = op.equals("Conv") || op.equals("ConvTranspose");
        long[] x = in.dims(0);
        long[] w = conv ? in.dims(1) : null;
        int rank = x != null ? x.length : w != null ? w.length : -1;
        if (rank < 3) {
            return null;
        }
        int spatial = rank - 2;
        long[] out = Dims.unknown(rank);
        out[0] = x != null ? x[0] : Dims.UNKNOWN;
        if (!conv) {
            out[1] = x != null ? x[1] : Dims.UNKNOWN;
        } else if (w != null && w.length == rank) {
            long group = NodeProtos.intOr(n, "group", 1);
            out[1] = op.equals("Conv") ? w[0] : w[1] < 0 ? Dims.UNKNOWN : w[1] * group;
        }
        long[] kernel = attrOr(n, "kernel_shape", null);
        if (kernel == null && w != null && w.length == rank) {
            kernel = new long[spatial];
            System.arraycopy(w, 2, kernel, 0, spatial);
        }
        for (int i = 0; i < spatial; i++) {
            long in0 = x == null ? Dims.UNKNOWN : x[2 + i];
            out[2 + i] = op.equals("ConvTranspose") ? transposed(n, in0, kernel, i, spatial)
                    : forward(n, in0, kernel, i, spatial, !conv && NodeProtos.intOr(n, "ceil_mode", 0) == 1);
        }
        return out;
    }

    private static long forward(OnnxMl.NodeProto n, long size, long[] kernel, int i, int spatial, boolean ceil) {
        if (size < 0 || kernel == null || kernel.length != spatial || kernel[i] < 0) {
            return Dims.UNKNOWN;
        }
        long stride = at(attrOr(n, "strides", null), i, 1);
        long dilation = at(attrOr(n, "dilations", null), i, 1);
        long extent = (kernel[i] - 1) * dilation + 1;
        String autoPad = NodeProtos.stringOr(n, "auto_pad", "NOTSET");
        if (autoPad.startsWith("SAME")) {
            return (size + stride - 1) / stride;
        }
        long pads = 0;
        if (!autoPad.equals("VALID")) {
            long[] p = attrOr(n, "pads", null);
            pads = at(p, i, 0) + at(p, i + spatial, 0);
        }
        long span = size + pads - extent;
        if (span < 0 || stride <= 0) {
            return Dims.UNKNOWN;
        }
        return (ceil ? (span + stride - 1) / stride : span / stride) + 1;
    }

    private static long transposed(OnnxMl.NodeProto n, long size, long[] kernel, int i, int spatial) {
        long[] outputShape = attrOr(n, "output_shape", null);
        if (outputShape != null && outputShape.length == spatial) {
            return outputShape[i];
        }
        if (size < 0 || kernel == null || kernel.length != spatial || kernel[i] < 0) {
            return Dims.UNKNOWN;
        }
        long stride = at(attrOr(n, "strides", null), i, 1);
        if (NodeProtos.stringOr(n, "auto_pad", "NOTSET").startsWith("SAME")) {
            return size * stride;
        }
        long dilation = at(attrOr(n, "dilations", null), i, 1);
        long[] p = attrOr(n, "pads", null);
        long outputPadding = at(attrOr(n, "output_padding", null), i, 0);
        return stride * (size - 1) + outputPadding + (kernel[i] - 1) * dilation + 1 - at(p, i, 0)
                - at(p, i + spatial, 0);
    }

    /** GlobalAveragePool and friends: {@code [N, C, 1, …]}. */
    static long[] global(long[] x) {
        if (x == null || x.length < 2) {
            return null;
        }
        long[] out = x.clone();
        for (int i = 2; i < out.length; i++) {
            out[i] = 1;
        }
        return out;
    }

    static long[] gemm(OnnxMl.NodeProto n, ShapeRules.Inputs in) {
        long[] a = in.dims(0);
        long[] b = in.dims(1);
        long m = a != null && a.length == 2 ? a[NodeProtos.intOr(n, "transA", 0) == 1 ? 1 : 0] : Dims.UNKNOWN;
        long cols = b != null && b.length == 2 ? b[NodeProtos.intOr(n, "transB", 0) == 1 ? 0 : 1] : Dims.UNKNOWN;
        return new long[] {m, cols};
    }

    /** Numpy matmul: 1-D operands are promoted and the added axis removed; batch axes broadcast. */
    static long[] matMul(long[] a, long[] b) {
        if (a == null || b == null || a.length == 0 || b.length == 0) {
            return null;
        }
        long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
        long[] batchA = java.util.Arrays.copyOf(a2, a2.length - 2);
        long[] batchB = java.util.Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Dims.broadcast(batchA, batchB);
        int r = batch.length;
        long[] out = java.util.Arrays.copyOf(batch, r + 2);
        out[r] = a2[a2.length - 2];
        out[r + 1] = b2[b2.length - 1];
        if (a.length == 1 && b.length == 1) {
            return new long[0];
        }
        if (a.length == 1) {
            return drop(out, r);
        }
        return b.length == 1 ? drop(out, r + 1) : out;
    }

    private static long[] drop(long[] d, int axis) {
        long[] out = new long[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            if (i != axis) {
                out[j++] = d[i];
            }
        }
        return out;
    }

    private static long[] attrOr(OnnxMl.NodeProto n, String name, long[] fallback) {
        return NodeProtos.attr(n, name).map(NodeProtos::ints).orElse(fallback);
    }

    private static long at(long[] values, int i, long fallback) {
        return values != null && i < values.length ? values[i] : fallback;
    }
}
