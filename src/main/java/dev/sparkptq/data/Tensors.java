package dev.sparkptq.data;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;

/**
 * Tensor construction by element type, reshaping, and element type conversion (the numpy {@code astype} a user
 * would otherwise do by hand: float64 → float32, int32 → int64, ...).
 */
public final class Tensors {
    private Tensors() {
    }

    /**
     * {@code t} converted to {@code to}. Widening and float narrowing (float64 → float32) always work; integer
     * narrowing checks the range; float → integer is refused (it would silently truncate).
     *
     * @param what names the data in error messages (a file or sample)
     */
    public static Tensor convert(Tensor t, DType to, String what) {
        if (to == null || t.dtype() == to) {
            return t;
        }
        long[] shape = t.shape();
        if (to == DType.FLOAT) {
            return Tensor.ofFloats(shape, t.toFloats());
        }
        if (to == DType.DOUBLE) {
            return Tensor.ofDoubles(shape, toDoubles(t));
        }
        if (t.dtype() == DType.FLOAT || t.dtype() == DType.DOUBLE) {
            throw new DataException(what + " holds " + t.dtype() + " values but the model input wants " + to
                    + "; save the data with an integer dtype");
        }
        return fromLongs(toLongs(t), to, shape, what);
    }

    private static double[] toDoubles(Tensor t) {
        int n = (int) t.numel();
        double[] out = new double[n];
        if (t.dtype() == DType.FLOAT) {
            float[] f = t.floats();
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
            return out;
        }
        long[] v = toLongs(t);
        for (int i = 0; i < n; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** Integer tensor values as longs (unsigned types read unsigned). */
    static long[] toLongs(Tensor t) {
        if (t.dtype() == DType.FLOAT || t.dtype() == DType.DOUBLE) {
            throw new IllegalArgumentException("not an integer tensor: " + t.dtype());
        }
        return t.toLongs();
    }

    private static Tensor fromLongs(long[] v, DType to, long[] shape, String what) {
        long[] range = range(to);
        for (long x : v) {
            if (x < range[0] || x > range[1]) {
                throw new DataException(what + " holds value " + x + ", outside the range of the model input's "
                        + to + " [" + range[0] + ", " + range[1] + "]; fix the data");
            }
        }
        int n = v.length;
        Object data = switch (to) {
            case INT64 -> v;
            case INT32 -> { int[] d = new int[n]; for (int i = 0; i < n; i++) d[i] = (int) v[i]; yield d; }
            case INT16, UINT16 -> { short[] d = new short[n]; for (int i = 0; i < n; i++) d[i] = (short) v[i]; yield d; }
            case INT8, UINT8, BOOL -> { byte[] d = new byte[n]; for (int i = 0; i < n; i++) d[i] = (byte) v[i]; yield d; }
            default -> throw new IllegalArgumentException("not an integer type: " + to);
        };
        return Tensor.of(to, shape, data);
    }

    private static long[] range(DType t) {
        return switch (t) {
            case INT64 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
            case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case INT16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case UINT16 -> new long[] {0, 65535};
            case INT8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case UINT8 -> new long[] {0, 255};
            case BOOL -> new long[] {0, 1};
            default -> throw new IllegalArgumentException("not an integer type: " + t);
        };
    }
}
