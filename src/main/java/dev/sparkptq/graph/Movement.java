package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Data-movement ops on constant tensors for {@link ConstantEvaluator}: each computes, for every output element, the
 * flat index of the input element it copies, then gathers those elements in one typed loop.
 */
final class Movement {
    private Movement() {
    }

    static Tensor gather(Tensor x, Tensor indices, long axisAttr) {
        long[] s = x.shape();
        int axis = Dims.axis(axisAttr, s.length);
        long[] idx = Casts.longs(indices);
        long outer = Dims.numel(java.util.Arrays.copyOf(s, axis));
        long inner = Dims.numel(java.util.Arrays.copyOfRange(s, axis + 1, s.length));
        long[] outShape = new long[s.length - 1 + indices.rank()];
        System.arraycopy(s, 0, outShape, 0, axis);
        System.arraycopy(indices.shape(), 0, outShape, axis, indices.rank());
        System.arraycopy(s, axis + 1, outShape, axis + indices.rank(), s.length - axis - 1);
        int[] from = new int[(int) (outer * idx.length * inner)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (long i : idx) {
                long j = i < 0 ? i + s[axis] : i;
                if (j < 0 || j >= s[axis]) {
                    throw new IllegalArgumentException("Gather index " + i + " out of range");
                }
                for (long r = 0; r < inner; r++) {
                    from[k++] = (int) ((o * s[axis] + j) * inner + r);
                }
            }
        }
        return take(x, from, outShape);
    }

    static Tensor transpose(Tensor x, long[] perm) {
        long[] s = x.shape();
        long[] outShape = LayoutShapes.transpose(s, perm);
        int r = s.length;
        long[] inStrides = strides(s);
        return take(x, indices(outShape, (d, coord) -> coord * inStrides[perm == null ? r - 1 - d : (int) perm[d]]),
                outShape);
    }

    static Tensor concat(List<Tensor> parts, long axisAttr) {
        long[] s0 = parts.get(0).shape();
        int axis = Dims.axis(axisAttr, s0.length);
        long outer = Dims.numel(java.util.Arrays.copyOf(s0, axis));
        long total = 0;
        for (Tensor p : parts) {
            total += p.shape()[axis];
        }
        long[] outShape = s0.clone();
        outShape[axis] = total;
        Object out = java.lang.reflect.Array.newInstance(parts.get(0).data().getClass().getComponentType(),
                (int) Dims.numel(outShape));
        int pos = 0;
        for (long o = 0; o < outer; o++) {
            for (Tensor p : parts) {
                int block = (int) (p.numel() / Math.max(outer, 1));
                System.arraycopy(p.data(), (int) (o * block), out, pos, block);
                pos += block;
            }
        }
        return Tensor.of(parts.get(0).dtype(), outShape, out);
    }

    /** Slice with constant starts/ends/axes/steps (attributes before opset 10, inputs from 10). */
    static Tensor slice(Tensor x, OnnxMl.NodeProto n, ShapeRules.Inputs in, long[] outShape) {
        long[] s = x.shape();
        long[] start = new long[s.length];
        long[] step = new long[s.length];
        java.util.Arrays.fill(step, 1);
        boolean attrs = NodeProtos.attr(n, "starts").isPresent();
        long[] starts = attrs ? NodeProtos.ints(NodeProtos.attr(n, "starts").get()) : LayoutShapes.longs(in.value(1));
        long[] axes = attrs ? NodeProtos.attr(n, "axes").map(NodeProtos::ints).orElse(null)
                : LayoutShapes.longs(in.value(3));
        long[] steps = attrs ? null : LayoutShapes.longs(in.value(4));
        for (int i = 0; i < starts.length; i++) {
            int a = Dims.axis(axes == null ? i : axes[i], s.length);
            step[a] = steps == null ? 1 : steps[i];
            long b = starts[i] < 0 ? starts[i] + s[a] : starts[i];
            start[a] = step[a] > 0 ? Math.max(0, Math.min(s[a], b)) : Math.max(0, Math.min(s[a] - 1, b));
        }
        long[] inStrides = strides(s);
        return take(x, indices(outShape, (d, coord) -> (start[d] + coord * step[d]) * inStrides[d]), outShape);
    }

    static List<Tensor> split(Tensor x, long axisAttr, List<ValueFacts.Fact> shapes) {
        long[] s = x.shape();
        int axis = Dims.axis(axisAttr, s.length);
        List<Tensor> out = new ArrayList<>();
        long offset = 0;
        for (ValueFacts.Fact f : shapes) {
            long[] d = f.dims();
            long[] starts = new long[s.length];
            starts[axis] = offset;
            out.add(window(x, starts, d));
            offset += d[axis];
        }
        return out;
    }

    private static Tensor window(Tensor x, long[] starts, long[] outShape) {
        long[] inStrides = strides(x.shape());
        return take(x, indices(outShape, (d, coord) -> (starts[d] + coord) * inStrides[d]), outShape);
    }

    /**
     * Expand ({@code tile == false}: numpy broadcast of {@code x} to {@code outShape}) or Tile (each axis repeated
     * {@code outShape[d] / x[d]} times).
     */
    static Tensor broadcastTo(Tensor x, long[] outShape, boolean tile) {
        long[] s = x.shape();
        int r = outShape.length;
        long[] in = new long[r];
        for (int d = 0; d < r; d++) {
            in[d] = d < r - s.length ? 1 : s[d - (r - s.length)];
        }
        long[] inStrides = strides(in);
        return take(x, indices(outShape, (d, coord) -> (tile ? coord % in[d] : in[d] == 1 ? 0 : coord)
                * inStrides[d]), outShape);
    }

    /** What output coordinate {@code coord} along axis {@code d} adds to the flat index of the element read. */
    @FunctionalInterface
    interface AxisMap {
        long offset(int d, long coord);
    }

    /** For every element of a tensor of {@code outShape}, the flat input index: the sum of {@code map}'s offsets. */
    static int[] indices(long[] outShape, AxisMap map) {
        long[] outStrides = strides(outShape);
        int[] from = new int[(int) Dims.numel(outShape)];
        for (int o = 0; o < from.length; o++) {
            long rem = o;
            long src = 0;
            for (int d = 0; d < outShape.length; d++) {
                long coord = rem / outStrides[d];
                rem -= coord * outStrides[d];
                src += map.offset(d, coord);
            }
            from[o] = (int) src;
        }
        return from;
    }

    static long[] strides(long[] s) {
        long[] st = new long[s.length];
        long acc = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= s[i];
        }
        return st;
    }

    /** The elements of {@code x} at flat indices {@code from}, as a tensor of {@code shape}. */
    static Tensor take(Tensor x, int[] from, long[] shape) {
        Object src = x.data();
        Object dst;
        if (src instanceof float[] a) {
            float[] o = new float[from.length];
            for (int i = 0; i < o.length; i++) o[i] = a[from[i]];
            dst = o;
        } else if (src instanceof long[] a) {
            long[] o = new long[from.length];
            for (int i = 0; i < o.length; i++) o[i] = a[from[i]];
            dst = o;
        } else if (src instanceof int[] a) {
            int[] o = new int[from.length];
            for (int i = 0; i < o.length; i++) o[i] = a[from[i]];
            dst = o;
        } else if (src instanceof double[] a) {
            double[] o = new double[from.length];
            for (int i = 0; i < o.length; i++) o[i] = a[from[i]];
            dst = o;
        } else if (src instanceof short[] a) {
            short[] o = new short[from.length];
            for (int i = 0; i < o.length; i++) o[i] = a[from[i]];
            dst = o;
        } else {
            byte[] a = (byte[]) src;
            byte[] o = new byte[from.length];
            for (int i = 0; i < o.length; i++) o[i] = a[from[i]];
            dst = o;
        }
        return Tensor.of(x.dtype(), shape, dst);
    }
}
