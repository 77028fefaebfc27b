package dev.sparkptq.graph;

import java.util.Arrays;

/**
 * Shapes as the forward analysis of {@link ValueFacts} sees them: {@code null} for an unknown rank, {@code -1} for a
 * dimension whose size is not known statically. Pure helpers, no graph access.
 */
public final class Dims {
    /** A dimension whose size is not known statically. */
    public static final long UNKNOWN = -1;

    private Dims() {
    }

    /** True when the rank and every dimension are known. */
    public static boolean isStatic(long[] dims) {
        if (dims == null) {
            return false;
        }
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /** Number of elements, or -1 when some dimension is unknown (or the product overflows). */
    public static long numel(long[] dims) {
        if (!isStatic(dims)) {
            return -1;
        }
        long n = 1;
        for (long d : dims) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    /** Numpy-style multidirectional broadcast of two shapes; null when either rank is unknown. */
    public static long[] broadcast(long[] a, long[] b) {
        if (a == null || b == null) {
            return null;
        }
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i < r - a.length ? 1 : a[i - (r - a.length)];
            long y = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (x == 1) {
                out[i] = y;
            } else if (y == 1) {
                out[i] = x;
            } else if (x < 0 || y < 0) {
                out[i] = x >= 0 ? x : y; // broadcastable and not 1: the known one, or unknown
            } else {
                out[i] = x == y ? x : UNKNOWN; // mismatch: an invalid model; do not guess
            }
        }
        return out;
    }

    /** Axis {@code axis} (possibly negative) of a rank-{@code rank} tensor, or -1 when out of range. */
    public static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return a < 0 || a >= rank ? -1 : (int) a;
    }

    /** A copy of {@code dims}, or null. */
    public static long[] copy(long[] dims) {
        return dims == null ? null : dims.clone();
    }

    /** All dimensions unknown, of the given rank. */
    public static long[] unknown(int rank) {
        long[] d = new long[rank];
        Arrays.fill(d, UNKNOWN);
        return d;
    }

    /** {@code [2, ?, 4]} style text. */
    public static String text(long[] dims) {
        if (dims == null) {
            return "[?]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
        }
        return sb.append(']').toString();
    }
}
