package dev.sparkptq.graph;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;

import java.util.List;
import java.util.Set;

/**
 * Element-wise ops on constant tensors with numpy broadcasting, for {@link ConstantEvaluator}: arithmetic in the
 * inputs' own precision (float32 per element, double, or 64-bit integers with C's truncating division, then narrowed
 * to the output type), comparisons, logic and Where.
 */
final class ElementwiseOps {
    private static final Set<String> UNARY = Set.of("Neg", "Abs", "Floor", "Ceil", "Sqrt", "Reciprocal", "Relu",
            "Not");
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Min", "Max", "Sum", "Equal",
            "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or");

    private ElementwiseOps() {
    }

    static boolean handles(String op) {
        return UNARY.contains(op) || BINARY.contains(op) || op.equals("Where");
    }

    static Tensor apply(String op, List<Tensor> in, long[] outShape, DType outType) {
        if (op.equals("Where")) {
            return where(in, outShape);
        }
        if (UNARY.contains(op)) {
            return unary(op, in.get(0));
        }
        Tensor acc = in.get(0);
        for (int i = 1; i < in.size(); i++) {
            acc = binary(op, acc, in.get(i), Dims.broadcast(acc.shape(), in.get(i).shape()));
        }
        return in.size() == 1 ? acc : Casts.cast(acc, outType == null ? acc.dtype() : outType);
    }

    private static Tensor unary(String op, Tensor x) {
        if (op.equals("Not")) {
            long[] v = Casts.longs(x);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] == 0 ? 1 : 0;
            }
            return Casts.fromLongs(x.shape(), v, DType.BOOL);
        }
        if (x.dtype() == DType.FLOAT) {
            float[] a = x.floats();
            float[] o = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                o[i] = (float) unary(op, a[i]);
            }
            return Tensor.ofFloats(x.shape(), o);
        }
        if (x.dtype() == DType.DOUBLE) {
            double[] a = x.doubles();
            double[] o = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                o[i] = unary(op, a[i]);
            }
            return Tensor.ofDoubles(x.shape(), o);
        }
        long[] v = Casts.longs(x);
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (op) {
                case "Neg" -> -v[i];
                case "Abs" -> Math.abs(v[i]);
                case "Relu" -> Math.max(0, v[i]);
                case "Floor", "Ceil" -> v[i];
                default -> throw new IllegalArgumentException(op + " of an integer tensor");
            };
        }
        return Casts.fromLongs(x.shape(), v, x.dtype());
    }

    /** One float op; float inputs are computed in float (a float32 sqrt of a float is the correctly rounded one). */
    private static double unary(String op, float v) {
        return switch (op) {
            case "Neg" -> -v;
            case "Abs" -> Math.abs(v);
            case "Floor" -> (float) Math.floor(v);
            case "Ceil" -> (float) Math.ceil(v);
            case "Sqrt" -> (float) Math.sqrt(v);
            case "Reciprocal" -> 1f / v;
            case "Relu" -> Math.max(0f, v);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static double unary(String op, double v) {
        return switch (op) {
            case "Neg" -> -v;
            case "Abs" -> Math.abs(v);
            case "Floor" -> Math.floor(v);
            case "Ceil" -> Math.ceil(v);
            case "Sqrt" -> Math.sqrt(v);
            case "Reciprocal" -> 1 / v;
            case "Relu" -> Math.max(0, v);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static Tensor binary(String op, Tensor a, Tensor b, long[] shape) {
        int[] ia = index(a.shape(), shape);
        int[] ib = index(b.shape(), shape);
        int n = ia.length;
        boolean compare = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual").contains(op);
        if (a.dtype() == DType.FLOAT && b.dtype() == DType.FLOAT && !compare) {
            float[] x = a.floats();
            float[] y = b.floats();
            float[] o = new float[n];
            for (int i = 0; i < n; i++) {
                o[i] = (float) doubleOp(op, x[ia[i]], y[ib[i]]);
            }
            return Tensor.ofFloats(shape, o);
        }
        if (Casts.isFloat(a.dtype()) || Casts.isFloat(b.dtype())) {
            double[] x = Casts.doubles(a);
            double[] y = Casts.doubles(b);
            double[] o = new double[n];
            long[] c = new long[n];
            for (int i = 0; i < n; i++) {
                if (compare) {
                    c[i] = compare(op, x[ia[i]], y[ib[i]]) ? 1 : 0;
                } else {
                    o[i] = doubleOp(op, x[ia[i]], y[ib[i]]);
                }
            }
            return compare ? Casts.fromLongs(shape, c, DType.BOOL) : Tensor.ofDoubles(shape, o);
        }
        long[] x = Casts.longs(a);
        long[] y = Casts.longs(b);
        long[] o = new long[n];
        for (int i = 0; i < n; i++) {
            o[i] = compare ? compareLongs(op, Long.compare(x[ia[i]], y[ib[i]])) ? 1 : 0
                    : longOp(op, x[ia[i]], y[ib[i]]);
        }
        return Casts.fromLongs(shape, o, compare ? DType.BOOL : a.dtype());
    }

    /** ONNX comparisons of floats: false whenever a NaN is involved. */
    private static boolean compare(String op, double x, double y) {
        return switch (op) {
            case "Equal" -> x == y;
            case "Less" -> x < y;
            case "Greater" -> x > y;
            case "LessOrEqual" -> x <= y;
            default -> x >= y;
        };
    }

    private static boolean compareLongs(String op, int cmp) {
        return switch (op) {
            case "Equal" -> cmp == 0;
            case "Less" -> cmp < 0;
            case "Greater" -> cmp > 0;
            case "LessOrEqual" -> cmp <= 0;
            default -> cmp >= 0;
        };
    }

    /**
     * One arithmetic op in double. For float inputs the result rounded to float is the correctly rounded float
     * result: double has more than twice float's precision plus two bits, so the double rounding is innocuous for
     * +, −, ×, ÷ (Figueroa, 1995).
     */
    private static double doubleOp(String op, double x, double y) {
        return switch (op) {
            case "Add", "Sum" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            case "Div" -> x / y;
            case "Min" -> Math.min(x, y);
            case "Max" -> Math.max(x, y);
            default -> throw new IllegalArgumentException(op + " of doubles");
        };
    }

    private static long longOp(String op, long x, long y) {
        return switch (op) {
            case "Add", "Sum" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            case "Div" -> x / y;
            case "Min" -> Math.min(x, y);
            case "Max" -> Math.max(x, y);
            case "And" -> x != 0 && y != 0 ? 1 : 0;
            case "Or" -> x != 0 || y != 0 ? 1 : 0;
            default -> throw new IllegalArgumentException(op + " of integers");
        };
    }

    private static Tensor where(List<Tensor> in, long[] shape) {
        int[] ic = index(in.get(0).shape(), shape);
        int[] ia = index(in.get(1).shape(), shape);
        int[] ib = index(in.get(2).shape(), shape);
        long[] cond = Casts.longs(in.get(0));
        int[] from = new int[ic.length];
        Tensor both = Movement.concat(List.of(in.get(1).reshape(new long[] {in.get(1).numel()}),
                in.get(2).reshape(new long[] {in.get(2).numel()})), 0);
        int offset = (int) in.get(1).numel();
        for (int i = 0; i < from.length; i++) {
            from[i] = cond[ic[i]] != 0 ? ia[i] : offset + ib[i];
        }
        return Movement.take(both, from, shape);
    }

    /** For every element of {@code out}, the flat index of the element of a tensor of shape {@code in} it reads. */
    static int[] index(long[] in, long[] out) {
        int r = out.length;
        long[] padded = new long[r];
        for (int d = 0; d < r; d++) {
            padded[d] = d < r - in.length ? 1 : in[d - (r - in.length)];
        }
        long[] inStrides = Movement.strides(padded);
        return Movement.indices(out, (d, coord) -> (padded[d] == 1 ? 0 : coord) * inStrides[d]);
    }
}
