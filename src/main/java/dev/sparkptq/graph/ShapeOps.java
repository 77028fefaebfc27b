package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Reference implementations of the layout-only ONNX ops on constant tensors (for {@link ConstantFolding}). Returns
 * null when a case is not handled (the node then simply stays in the graph).
 */
final class ShapeOps {
    private ShapeOps() {
    }

    static Tensor apply(OnnxMl.NodeProto n, List<Tensor> in, int opset) {
        Tensor x = in.get(0);
        if (x == null) {
            return null;
        }
        long[] shape = x.shape();
        return switch (n.getOpType()) {
            case "Identity" -> x;
            case "Reshape" -> in.size() > 1 && in.get(1) != null ? reshape(x, reshapeTarget(shape, in.get(1),
                    intAttr(n, "allowzero", 0) == 1)) : null;
            case "Flatten" -> flatten(x, (int) intAttr(n, "axis", 1));
            case "Squeeze" -> squeeze(x, axes(n, in, opset));
            case "Unsqueeze" -> unsqueeze(x, axes(n, in, opset));
            case "Transpose" -> transpose(x, ints(n, "perm"));
            default -> null;
        };
    }

    private static long[] reshapeTarget(long[] shape, Tensor target, boolean allowZero) {
        long[] t = target.longs().clone();
        long known = 1;
        int infer = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0 && !allowZero) {
                t[i] = shape[i];
            }
            if (t[i] == -1) {
                infer = i;
            } else {
                known *= t[i];
            }
        }
        if (infer >= 0) {
            t[infer] = Tensor.numel(shape) / Math.max(known, 1);
        }
        return t;
    }

    private static Tensor flatten(Tensor x, int axis) {
        long[] s = x.shape();
        int a = axis < 0 ? axis + s.length : axis;
        long outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= s[i];
        }
        return reshape(x, new long[]{outer, Tensor.numel(s) / Math.max(outer, 1)});
    }

    private static long[] axes(OnnxMl.NodeProto n, List<Tensor> in, int opset) {
        if (opset >= 13) {
            return in.size() > 1 && in.get(1) != null ? in.get(1).longs() : null;
        }
        return ints(n, "axes");
    }

    private static Tensor squeeze(Tensor x, long[] axes) {
        long[] s = x.shape();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            boolean drop = axes == null ? s[i] == 1 : contains(axes, i, s.length);
            if (!drop) {
                out.add(s[i]);
            }
        }
        return reshape(x, out.stream().mapToLong(Long::longValue).toArray());
    }

    private static Tensor unsqueeze(Tensor x, long[] axes) {
        if (axes == null) {
            return null;
        }
        long[] s = x.shape();
        int rank = s.length + axes.length;
        long[] out = new long[rank];
        int src = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = contains(axes, i, rank) ? 1 : s[src++];
        }
        return reshape(x, out);
    }

    private static Tensor transpose(Tensor x, long[] perm) {
        long[] s = x.shape();
        int r = s.length;
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = perm == null ? r - 1 - i : (int) perm[i];
        }
        long[] outShape = new long[r];
        for (int i = 0; i < r; i++) {
            outShape[i] = s[p[i]];
        }
        int n = (int) Tensor.numel(s);
        long[] inStrides = strides(s);
        long[] outStrides = strides(outShape);
        Object src = x.data();
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), n);
        for (int o = 0; o < n; o++) {
            long rem = o;
            long srcIndex = 0;
            for (int d = 0; d < r; d++) {
                long coord = rem / outStrides[d];
                rem -= coord * outStrides[d];
                srcIndex += coord * inStrides[p[d]];
            }
            System.arraycopy(src, (int) srcIndex, dst, o, 1);
        }
        return Tensor.of(x.dtype(), outShape, dst);
    }

    private static long[] strides(long[] s) {
        long[] st = new long[s.length];
        long acc = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= s[i];
        }
        return st;
    }

    private static Tensor reshape(Tensor x, long[] shape) {
        if (Tensor.numel(shape) != x.numel()) {
            return null;
        }
        return x.reshape(shape);
    }

    private static boolean contains(long[] axes, int i, int rank) {
        for (long a : axes) {
            if ((a < 0 ? a + rank : a) == i) {
                return true;
            }
        }
        return false;
    }

    private static long intAttr(OnnxMl.NodeProto n, String name, long dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    private static long[] ints(OnnxMl.NodeProto n, String name) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

}
