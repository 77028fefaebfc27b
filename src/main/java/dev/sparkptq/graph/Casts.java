package dev.sparkptq.graph;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;

/**
 * Element type conversion of constant tensors as ONNX's Cast does it on CPU: float to integer truncates toward
 * zero, integers narrow by two's complement, anything to BOOL is {@code != 0}.
 */
final class Casts {
    private Casts() {
    }

    static boolean isFloat(DType t) {
        return t == DType.FLOAT || t == DType.DOUBLE;
    }

    /** The values widened to long (floats truncated toward zero, UINT8/UINT16 unsigned). */
    static long[] longs(Tensor t) {
        return t.toLongs();
    }

    /** The values as doubles (exact for every type but INT64 beyond 2^53). */
    static double[] doubles(Tensor t) {
        int n = (int) t.numel();
        double[] out = new double[n];
        if (t.dtype() == DType.DOUBLE) {
            System.arraycopy(t.doubles(), 0, out, 0, n);
        } else if (t.dtype() == DType.FLOAT) {
            float[] d = t.floats();
            for (int i = 0; i < n; i++) {
                out[i] = d[i];
            }
        } else {
            long[] d = longs(t);
            for (int i = 0; i < n; i++) {
                out[i] = d[i];
            }
        }
        return out;
    }

    /** {@code t} converted to {@code to}. */
    static Tensor cast(Tensor t, DType to) {
        if (to == null) {
            throw new IllegalArgumentException("unsupported Cast target");
        }
        if (t.dtype() == to) {
            return t;
        }
        long[] shape = t.shape();
        int n = (int) t.numel();
        if (to == DType.FLOAT || to == DType.DOUBLE) {
            double[] d = doubles(t);
            if (to == DType.DOUBLE) {
                return Tensor.ofDoubles(shape, d);
            }
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) d[i];
            }
            return Tensor.ofFloats(shape, f);
        }
        long[] v = isFloat(t.dtype()) && to == DType.BOOL ? nonZero(doubles(t)) : longs(t);
        return fromLongs(shape, v, to);
    }

    private static long[] nonZero(double[] d) {
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] != 0 ? 1 : 0;
        }
        return out;
    }

    /** A tensor of integer type {@code to} from long values (narrowed by two's complement; BOOL is != 0). */
    static Tensor fromLongs(long[] shape, long[] v, DType to) {
        int n = v.length;
        return switch (to) {
            case INT64 -> Tensor.ofLongs(shape, v);
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = (int) v[i];
                yield Tensor.ofInts(shape, a); }
            case INT16, UINT16 -> { short[] a = new short[n]; for (int i = 0; i < n; i++) a[i] = (short) v[i];
                yield Tensor.ofShorts(to, shape, a); }
            case INT8, UINT8 -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) v[i];
                yield Tensor.ofBytes(to, shape, a); }
            case BOOL -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) (v[i] != 0 ? 1 : 0);
                yield Tensor.ofBytes(to, shape, a); }
            default -> throw new IllegalArgumentException("not an integer type: " + to);
        };
    }
}
