package dev.sparkptq.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor held in a Java array: {@code float[]} for FLOAT, {@code long[]} for INT64, {@code int[]} for INT32,
 * {@code byte[]} for INT8/UINT8/BOOL, {@code short[]} for INT16/UINT16, {@code double[]} for DOUBLE. Row-major.
 *
 * <p>The array is not copied (tensors are large); callers must not mutate an array after handing it over.
 */
public final class Tensor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DType dtype;
    private final long[] shape;
    private final Object data;

    private Tensor(DType dtype, long[] shape, Object data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = Objects.requireNonNull(data, "data");
        long n = numel(shape);
        if (n != java.lang.reflect.Array.getLength(data)) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " elements but data has "
                            + java.lang.reflect.Array.getLength(data));
        }
    }

    public static Tensor ofFloats(long[] shape, float[] data) {
        return new Tensor(DType.FLOAT, shape, data);
    }

    public static Tensor ofLongs(long[] shape, long[] data) {
        return new Tensor(DType.INT64, shape, data);
    }

    public static Tensor ofInts(long[] shape, int[] data) {
        return new Tensor(DType.INT32, shape, data);
    }

    public static Tensor ofDoubles(long[] shape, double[] data) {
        return new Tensor(DType.DOUBLE, shape, data);
    }

    /** INT8, UINT8 or BOOL data in a byte array (UINT8 values are stored as their two's complement byte). */
    public static Tensor ofBytes(DType dtype, long[] shape, byte[] data) {
        if (dtype != DType.INT8 && dtype != DType.UINT8 && dtype != DType.BOOL) {
            throw new IllegalArgumentException("byte data needs INT8, UINT8 or BOOL, not " + dtype);
        }
        return new Tensor(dtype, shape, data);
    }

    /** INT16 or UINT16 data in a short array. */
    public static Tensor ofShorts(DType dtype, long[] shape, short[] data) {
        if (dtype != DType.INT16 && dtype != DType.UINT16) {
            throw new IllegalArgumentException("short data needs INT16 or UINT16, not " + dtype);
        }
        return new Tensor(dtype, shape, data);
    }

    /** A tensor of {@code dtype} over {@code data}, which must be the array type this class documents for it. */
    public static Tensor of(DType dtype, long[] shape, Object data) {
        return switch (dtype) {
            case FLOAT -> ofFloats(shape, (float[]) data);
            case DOUBLE -> ofDoubles(shape, (double[]) data);
            case INT64 -> ofLongs(shape, (long[]) data);
            case INT32 -> ofInts(shape, (int[]) data);
            case INT16, UINT16 -> ofShorts(dtype, shape, (short[]) data);
            case INT8, UINT8, BOOL -> ofBytes(dtype, shape, (byte[]) data);
        };
    }

    /** The same data under another shape with the same element count. */
    public Tensor reshape(long[] newShape) {
        return of(dtype, newShape, data);
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    public long numel() {
        return numel(shape);
    }

    /** The raw array (see class comment for its type). */
    public Object data() {
        return data;
    }

    public float[] floats() {
        return as(float[].class);
    }

    public long[] longs() {
        return as(long[].class);
    }

    public int[] ints() {
        return as(int[].class);
    }

    public byte[] bytes() {
        return as(byte[].class);
    }

    public short[] shorts() {
        return as(short[].class);
    }

    public double[] doubles() {
        return as(double[].class);
    }

    /** Values widened to long (every dtype; UINT8/UINT16 read unsigned, FLOAT/DOUBLE truncated toward zero). */
    public long[] toLongs() {
        int n = (int) numel();
        long[] out = new long[n];
        switch (dtype) {
            case INT64 -> System.arraycopy(longs(), 0, out, 0, n);
            case INT32 -> { int[] d = ints(); for (int i = 0; i < n; i++) out[i] = d[i]; }
            case INT16 -> { short[] d = shorts(); for (int i = 0; i < n; i++) out[i] = d[i]; }
            case UINT16 -> { short[] d = shorts(); for (int i = 0; i < n; i++) out[i] = d[i] & 0xFFFF; }
            case INT8, BOOL -> { byte[] d = bytes(); for (int i = 0; i < n; i++) out[i] = d[i]; }
            case UINT8 -> { byte[] d = bytes(); for (int i = 0; i < n; i++) out[i] = d[i] & 0xFF; }
            case FLOAT -> { float[] d = floats(); for (int i = 0; i < n; i++) out[i] = (long) d[i]; }
            case DOUBLE -> { double[] d = doubles(); for (int i = 0; i < n; i++) out[i] = (long) d[i]; }
            default -> throw new IllegalStateException("unhandled dtype " + dtype);
        }
        return out;
    }

    /** Values converted to float (works for every dtype; UINT8/UINT16 read unsigned). */
    public float[] toFloats() {
        int n = (int) numel();
        float[] out = new float[n];
        switch (dtype) {
            case FLOAT -> System.arraycopy(floats(), 0, out, 0, n);
            case DOUBLE -> { double[] d = doubles(); for (int i = 0; i < n; i++) out[i] = (float) d[i]; }
            case INT64 -> { long[] d = longs(); for (int i = 0; i < n; i++) out[i] = d[i]; }
            case INT32 -> { int[] d = ints(); for (int i = 0; i < n; i++) out[i] = d[i]; }
            case INT8, BOOL -> { byte[] d = bytes(); for (int i = 0; i < n; i++) out[i] = d[i]; }
            case UINT8 -> { byte[] d = bytes(); for (int i = 0; i < n; i++) out[i] = d[i] & 0xFF; }
            case INT16 -> { short[] d = shorts(); for (int i = 0; i < n; i++) out[i] = d[i]; }
            case UINT16 -> { short[] d = shorts(); for (int i = 0; i < n; i++) out[i] = d[i] & 0xFFFF; }
            default -> throw new IllegalStateException("unhandled dtype " + dtype);
        }
        return out;
    }

    private <T> T as(Class<T> type) {
        if (!type.isInstance(data)) {
            throw new IllegalStateException("tensor holds " + dtype + ", not " + type.getSimpleName());
        }
        return type.cast(data);
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("dynamic or negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + Arrays.toString(shape) + "]";
    }
}
