package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;

/**
 * Output shape of Resize (10: {@code X, scales}; 11+: {@code X, roi, scales, sizes}; 18: optional {@code axes}) and
 * Upsample (7–8: {@code scales} attribute; 9: input): {@code sizes} when given, else {@code floor(dim · scale)}.
 */
final class Resizes {
    private Resizes() {
    }

    static long[] shape(OnnxMl.NodeProto n, ShapeRules.Inputs in, long[] x, int opset) {
        if (x == null) {
            return null;
        }
        boolean upsample = n.getOpType().equals("Upsample");
        float[] scales = NodeProtos.attr(n, "scales").map(a -> new Attribute("scales", a).asFloats())
                .orElseGet(() -> floats(in.value(upsample || opset < 11 ? 1 : 2)));
        long[] sizes = upsample || opset < 11 ? null : LayoutShapes.longs(in.value(3));
        long[] axes = NodeProtos.attr(n, "axes").map(NodeProtos::ints).orElse(null);
        int count = axes == null ? x.length : axes.length;
        long[] out = x.clone();
        if (sizes != null && sizes.length == count) {
            for (int i = 0; i < count; i++) {
                out[axis(axes, i, x.length)] = sizes[i];
            }
            return out;
        }
        if (scales == null || scales.length != count) {
            return sizes == null && in.count() > 3 && in.type(3) != 0 || scales == null ? Dims.unknown(x.length)
                    : null;
        }
        for (int i = 0; i < count; i++) {
            int a = axis(axes, i, x.length);
            out[a] = x[a] < 0 ? Dims.UNKNOWN : (long) Math.floor(x[a] * (double) scales[i]);
        }
        return out;
    }

    private static int axis(long[] axes, int i, int rank) {
        return axes == null ? i : Dims.axis(axes[i], rank);
    }

    private static float[] floats(Tensor t) {
        return t == null || t.numel() == 0 ? null : t.toFloats();
    }
}
