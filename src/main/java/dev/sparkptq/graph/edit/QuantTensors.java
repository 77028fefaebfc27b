package dev.sparkptq.graph.edit;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;

/** The constant tensors a Q/DQ rewrite needs: scale, zero point, offline-quantized weights, clamp bounds. */
final class QuantTensors {
    private QuantTensors() {
    }

    /** Scale as a scalar (per-tensor) or a 1-D tensor of length C (per-channel). */
    static Tensor scale(QuantParams p) {
        return Tensor.ofFloats(paramShape(p), p.scale());
    }

    /** Zero point in the storage type, shaped like {@link #scale}. */
    static Tensor zeroPoint(QuantParams p) {
        return ofStorage(p.storage(), paramShape(p), p.zeroPoint());
    }

    /** {@code clamp(round(w / s) + zp, levelLow, levelHigh)} element-wise, per channel along {@code p.axis()}. */
    static Tensor quantize(String name, Tensor weight, QuantParams p) {
        if (weight.dtype() != DType.FLOAT) {
            throw new InternalException("weight '" + name + "' is " + weight.dtype() + "; only FLOAT weights can be "
                    + "stored quantized");
        }
        float[] w = weight.floats();
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        long inner = p.perChannel() ? innerSize(name, weight.shape(), p) : w.length;
        int[] q = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = p.perChannel() ? (int) ((i / inner) % scale.length) : 0;
            q[i] = QuantMath.quantize(w[i], scale[c], zp[c], p.levelLow(), p.levelHigh());
        }
        return ofStorage(p.storage(), weight.shape(), q);
    }

    /** Dequantized value of level {@code level} for each channel: {@code (level - zp) * s}. */
    static float[] bound(QuantParams p, int level) {
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        float[] out = new float[scale.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = QuantMath.dequantize(level, scale[c], zp[c]);
        }
        return out;
    }

    /** Checks that per-channel params match the tensor's dimension along the axis (when the shape is known). */
    static void checkChannels(String name, long[] shape, QuantParams p) {
        if (!p.perChannel() || shape == null) {
            return;
        }
        if (p.axis() >= shape.length) {
            throw new InternalException("per-channel axis " + p.axis() + " of '" + name + "' is outside its rank "
                    + shape.length);
        }
        long dim = shape[p.axis()];
        if (dim >= 0 && dim != p.scale().length) {
            throw new InternalException("'" + name + "' has " + dim + " channels along axis " + p.axis() + " but "
                    + p.scale().length + " scales were given");
        }
    }

    private static long innerSize(String name, long[] shape, QuantParams p) {
        checkChannels(name, shape, p);
        long inner = 1;
        for (int d = p.axis() + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return inner;
    }

    private static long[] paramShape(QuantParams p) {
        return p.perChannel() ? new long[] {p.scale().length} : new long[0];
    }

    private static Tensor ofStorage(DType storage, long[] shape, int[] values) {
        switch (storage) {
            case INT8, UINT8 -> {
                byte[] b = new byte[values.length];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) values[i];
                }
                return Tensor.ofBytes(storage, shape, b);
            }
            case INT16, UINT16 -> {
                short[] s = new short[values.length];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (short) values[i];
                }
                return Tensor.ofShorts(storage, shape, s);
            }
            default -> throw new InternalException("storage type " + storage + " is not a quantized type");
        }
    }
}
