package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Output shapes of the ops that move, select, pad, resize or reduce data (Reshape, Transpose, Squeeze, Unsqueeze,
 * Concat, Split, Slice, Gather, Expand, Tile, Pad, Resize/Upsample, ConstantOfShape, Range, Reduce*, ArgMax, TopK,
 * DepthToSpace/SpaceToDepth, NonZero), reading the arguments that became inputs over the opsets (axes, pads,
 * scales, split sizes) from attributes or from constant inputs, whichever the node has.
 */
final class LayoutShapes {
    private LayoutShapes() {
    }

    static List<long[]> shapes(OnnxMl.NodeProto n, ShapeRules.Inputs in, int opset) {
        long[] x = in.dims(0);
        return switch (n.getOpType()) {
            case "Reshape" -> ShapeRules.single(reshape(x, in.value(1), NodeProtos.intOr(n, "allowzero", 0) == 1,
                    NodeProtos.attr(n, "shape").map(NodeProtos::ints).orElse(null)));
            case "Flatten" -> ShapeRules.single(flatten(x, NodeProtos.intOr(n, "axis", 1)));
            case "Transpose" -> ShapeRules.single(transpose(x, NodeProtos.attr(n, "perm").map(NodeProtos::ints)
                    .orElse(null)));
            case "Squeeze" -> ShapeRules.single(squeeze(x, axes(n, in, 1)));
            case "Unsqueeze" -> ShapeRules.single(unsqueeze(x, axes(n, in, 1)));
            case "Concat" -> ShapeRules.single(concat(n, in));
            case "Split" -> split(n, in, x);
            case "Slice" -> ShapeRules.single(slice(n, in, x, opset));
            case "Gather" -> ShapeRules.single(gather(x, in.dims(1), NodeProtos.intOr(n, "axis", 0)));
            case "GatherElements" -> ShapeRules.single(Dims.copy(in.dims(1)));
            case "ConstantOfShape" -> ShapeRules.single(in.value(0) == null ? null : in.value(0).longs().clone());
            case "Expand" -> ShapeRules.single(in.value(1) == null ? null : Dims.broadcast(x, in.value(1).longs()));
            case "Tile" -> ShapeRules.single(tile(x, in.value(1)));
            case "Pad" -> ShapeRules.single(pad(n, in, x));
            case "Resize", "Upsample" -> ShapeRules.single(Resizes.shape(n, in, x, opset));
            case "Range" -> ShapeRules.single(range(in));
            case "ArgMax", "ArgMin" -> ShapeRules.single(reduce(x, new long[] {NodeProtos.intOr(n, "axis", 0)},
                    NodeProtos.intOr(n, "keepdims", 1) == 1, false));
            case "TopK" -> topK(n, in, x);
            case "DepthToSpace", "SpaceToDepth" -> ShapeRules.single(depthSpace(n, x));
            case "NonZero" -> ShapeRules.single(x == null ? null : new long[] {x.length, Dims.UNKNOWN});
            default -> n.getOpType().startsWith("Reduce") ? ShapeRules.single(reduce(x, axes(n, in, 1),
                    NodeProtos.intOr(n, "keepdims", 1) == 1, NodeProtos.intOr(n, "noop_with_empty_axes", 0) == 1))
                    : List.of();
        };
    }

    /** Shape's output: {@code [rank]}, or the length of its {@code start}/{@code end} window (opset 15). */
    static long[] shapeOfShape(OnnxMl.NodeProto n, long[] x) {
        if (x == null) {
            return new long[] {Dims.UNKNOWN};
        }
        int[] window = shapeWindow(n, x.length);
        return new long[] {window[1] - window[0]};
    }

    /** The {@code [start, end)} window of Shape-15 over a rank-{@code rank} input (clamped like Slice). */
    static int[] shapeWindow(OnnxMl.NodeProto n, int rank) {
        long start = NodeProtos.intOr(n, "start", 0);
        long end = NodeProtos.intOr(n, "end", rank);
        start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
        end = Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
        return new int[] {(int) start, (int) Math.max(start, end)};
    }

    /** Axes from the {@code axes} attribute, else from constant input {@code input}; null when absent/unknown. */
    static long[] axes(OnnxMl.NodeProto n, ShapeRules.Inputs in, int input) {
        return NodeProtos.attr(n, "axes").map(NodeProtos::ints)
                .orElseGet(() -> in.value(input) == null ? null : in.value(input).longs());
    }

    static long[] reshape(long[] x, Tensor target, boolean allowZero, long[] attr) {
        long[] t = target != null ? longs(target) : attr;
        if (t == null) {
            return null;
        }
        t = t.clone();
        int infer = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == -1) {
                infer = i;
            }
        }
        long known = 1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0 && !allowZero) {
                t[i] = x != null && i < x.length ? x[i] : Dims.UNKNOWN;
            }
            if (i != infer) {
                known = t[i] < 0 || known < 0 ? Dims.UNKNOWN : known * t[i];
            }
        }
        if (infer >= 0) {
            long total = Dims.numel(x);
            t[infer] = total >= 0 && known > 0 ? total / known : Dims.UNKNOWN;
        }
        return t;
    }

    private static long[] flatten(long[] x, long axis) {
        if (x == null) {
            return new long[] {Dims.UNKNOWN, Dims.UNKNOWN};
        }
        int a = (int) (axis < 0 ? axis + x.length : axis);
        long outer = Dims.numel(Arrays.copyOf(x, a));
        long inner = Dims.numel(Arrays.copyOfRange(x, a, x.length));
        return new long[] {outer, inner};
    }

    static long[] transpose(long[] x, long[] perm) {
        if (x == null) {
            return perm == null ? null : Dims.unknown(perm.length);
        }
        long[] out = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[perm == null ? x.length - 1 - i : (int) perm[i]];
        }
        return out;
    }

    private static long[] squeeze(long[] x, long[] axes) {
        if (x == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            boolean drop = axes == null ? x[i] == 1 : contains(axes, i, x.length);
            if (axes == null && x[i] < 0) {
                return null; // which axes are 1 is not known
            }
            if (!drop) {
                out.add(x[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] unsqueeze(long[] x, long[] axes) {
        if (x == null || axes == null) {
            return null;
        }
        int rank = x.length + axes.length;
        long[] out = new long[rank];
        int src = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = contains(axes, i, rank) ? 1 : src < x.length ? x[src++] : Dims.UNKNOWN;
        }
        return out;
    }

    private static long[] concat(OnnxMl.NodeProto n, ShapeRules.Inputs in) {
        long[] first = null;
        for (int i = 0; i < in.count() && first == null; i++) {
            first = in.dims(i);
        }
        if (first == null) {
            return null;
        }
        int axis = Dims.axis(NodeProtos.intOr(n, "axis", 1), first.length);
        if (axis < 0) {
            return null;
        }
        long[] out = first.clone();
        long sum = 0;
        for (int i = 0; i < in.count(); i++) {
            long[] d = in.dims(i);
            sum = d == null || d.length != out.length || d[axis] < 0 || sum < 0 ? Dims.UNKNOWN : sum + d[axis];
            for (int k = 0; d != null && k < out.length && k < d.length; k++) {
                out[k] = out[k] < 0 ? d[k] : out[k];
            }
        }
        out[axis] = sum;
        return out;
    }

    private static List<long[]> split(OnnxMl.NodeProto n, ShapeRules.Inputs in, long[] x) {
        List<long[]> out = new ArrayList<>();
        if (x == null) {
            return out;
        }
        int axis = Dims.axis(NodeProtos.intOr(n, "axis", 0), x.length);
        long[] sizes = NodeProtos.attr(n, "split").map(NodeProtos::ints)
                .orElseGet(() -> in.value(1) == null ? null : in.value(1).longs());
        int parts = n.getOutputCount();
        for (int i = 0; i < parts && axis >= 0; i++) {
            long[] d = x.clone();
            d[axis] = sizes != null && i < sizes.length ? sizes[i]
                    : x[axis] >= 0 && x[axis] % parts == 0 ? x[axis] / parts : Dims.UNKNOWN;
            out.add(d);
        }
        return out;
    }

    private static long[] slice(OnnxMl.NodeProto n, ShapeRules.Inputs in, long[] x, int opset) {
        if (x == null) {
            return null;
        }
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (opset < 10) {
            starts = NodeProtos.attr(n, "starts").map(NodeProtos::ints).orElse(null);
            ends = NodeProtos.attr(n, "ends").map(NodeProtos::ints).orElse(null);
            axes = NodeProtos.attr(n, "axes").map(NodeProtos::ints).orElse(null);
        } else {
            starts = longs(in.value(1));
            ends = longs(in.value(2));
            axes = longs(in.value(3));
            steps = longs(in.value(4));
            if (in.count() > 3 && axes == null && in.type(3) != 0 || in.count() > 4 && steps == null
                    && in.type(4) != 0) {
                return Dims.unknown(x.length);
            }
        }
        if (starts == null || ends == null) {
            return Dims.unknown(x.length);
        }
        long[] out = x.clone();
        for (int i = 0; i < starts.length; i++) {
            int axis = Dims.axis(axes == null ? i : axes[i], x.length);
            if (axis < 0) {
                return null;
            }
            long step = steps == null ? 1 : steps[i];
            out[axis] = x[axis] < 0 || step == 0 ? Dims.UNKNOWN : sliceLength(x[axis], starts[i], ends[i], step);
        }
        return out;
    }

    /** Elements a Slice keeps along one axis of size {@code dim} (ONNX's clamping rules). */
    static long sliceLength(long dim, long start, long end, long step) {
        long s = start < 0 ? start + dim : start;
        long e = end < 0 ? end + dim : end;
        if (step > 0) {
            s = Math.max(0, Math.min(dim, s));
            e = Math.max(0, Math.min(dim, e));
            return Math.max(0, (e - s + step - 1) / step);
        }
        s = Math.max(0, Math.min(dim - 1, s));
        e = Math.max(-1, Math.min(dim - 1, e));
        return Math.max(0, (s - e + (-step) - 1) / (-step));
    }

    private static long[] gather(long[] x, long[] indices, long axis) {
        if (x == null || indices == null) {
            return null;
        }
        int a = Dims.axis(axis, x.length);
        if (a < 0) {
            return null;
        }
        long[] out = new long[x.length - 1 + indices.length];
        int k = 0;
        for (int i = 0; i < a; i++) {
            out[k++] = x[i];
        }
        for (long d : indices) {
            out[k++] = d;
        }
        for (int i = a + 1; i < x.length; i++) {
            out[k++] = x[i];
        }
        return out;
    }

    private static long[] tile(long[] x, Tensor repeats) {
        if (x == null) {
            return null;
        }
        if (repeats == null) {
            return Dims.unknown(x.length);
        }
        long[] r = repeats.longs();
        long[] out = x.clone();
        for (int i = 0; i < out.length && i < r.length; i++) {
            out[i] = x[i] < 0 ? Dims.UNKNOWN : x[i] * r[i];
        }
        return out;
    }

    private static long[] pad(OnnxMl.NodeProto n, ShapeRules.Inputs in, long[] x) {
        if (x == null) {
            return null;
        }
        long[] pads = NodeProtos.attr(n, "pads").map(NodeProtos::ints)
                .orElseGet(() -> NodeProtos.attr(n, "paddings").map(NodeProtos::ints)
                        .orElseGet(() -> longs(in.value(1))));
        long[] axes = longs(in.value(3));
        if (pads == null) {
            return Dims.unknown(x.length);
        }
        int count = axes == null ? x.length : axes.length;
        if (pads.length != 2 * count) {
            return null;
        }
        long[] out = x.clone();
        for (int i = 0; i < count; i++) {
            int axis = axes == null ? i : Dims.axis(axes[i], x.length);
            if (axis < 0) {
                return null;
            }
            out[axis] = x[axis] < 0 ? Dims.UNKNOWN : x[axis] + pads[i] + pads[i + count];
        }
        return out;
    }

    private static long[] range(ShapeRules.Inputs in) {
        return new long[] {rangeLength(in.value(0), in.value(1), in.value(2))};
    }

    /** Range's output length {@code max(ceil((limit - start) / delta), 0)}; unknown when an input is not known. */
    static long rangeLength(Tensor start, Tensor limit, Tensor delta) {
        if (start == null || limit == null || delta == null || start.numel() != 1 || limit.numel() != 1
                || delta.numel() != 1) {
            return Dims.UNKNOWN;
        }
        if (start.dtype() == dev.sparkptq.core.DType.INT64) {
            long d = delta.longs()[0];
            long span = limit.longs()[0] - start.longs()[0];
            return d == 0 ? Dims.UNKNOWN : Math.max(0, Math.floorDiv(span + d - Long.signum(d), d));
        }
        double d = delta.toFloats()[0];
        return d == 0 ? Dims.UNKNOWN
                : Math.max(0, (long) Math.ceil((limit.toFloats()[0] - (double) start.toFloats()[0]) / d));
    }

    private static long[] reduce(long[] x, long[] axes, boolean keepDims, boolean noopWithEmptyAxes) {
        if (x == null) {
            return null;
        }
        if (axes == null || axes.length == 0) {
            if (noopWithEmptyAxes) {
                return x.clone();
            }
            long[] all = new long[x.length];
            Arrays.fill(all, 1);
            return keepDims ? all : new long[0];
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!contains(axes, i, x.length)) {
                out.add(x[i]);
            } else if (keepDims) {
                out.add(1L);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static List<long[]> topK(OnnxMl.NodeProto n, ShapeRules.Inputs in, long[] x) {
        if (x == null) {
            return List.of();
        }
        int axis = Dims.axis(NodeProtos.intOr(n, "axis", -1), x.length);
        long[] k = NodeProtos.attr(n, "k").map(a -> new long[] {a.getI()}).orElseGet(() -> longs(in.value(1)));
        long[] d = x.clone();
        if (axis < 0) {
            return List.of();
        }
        d[axis] = k == null ? Dims.UNKNOWN : k[0];
        return List.of(d, d.clone());
    }

    private static long[] depthSpace(OnnxMl.NodeProto n, long[] x) {
        if (x == null || x.length != 4) {
            return null;
        }
        long b = NodeProtos.intOr(n, "blocksize", 1);
        boolean toSpace = n.getOpType().equals("DepthToSpace");
        long c = x[1] < 0 ? Dims.UNKNOWN : toSpace ? x[1] / (b * b) : x[1] * b * b;
        long h = x[2] < 0 ? Dims.UNKNOWN : toSpace ? x[2] * b : x[2] / b;
        long w = x[3] < 0 ? Dims.UNKNOWN : toSpace ? x[3] * b : x[3] / b;
        return new long[] {x[0], c, h, w};
    }

    static long[] longs(Tensor t) {
        if (t == null) {
            return null;
        }
        return switch (t.dtype()) {
            case INT64 -> t.longs();
            case INT32 -> Arrays.stream(t.ints()).asLongStream().toArray();
            default -> null;
        };
    }

    static boolean contains(long[] axes, int i, int rank) {
        for (long a : axes) {
            if ((a < 0 ? a + rank : a) == i) {
                return true;
            }
        }
        return false;
    }
}
