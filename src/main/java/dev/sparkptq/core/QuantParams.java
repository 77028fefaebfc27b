package dev.sparkptq.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Scale and zero point of one quantizer, as ONNX QuantizeLinear/DequantizeLinear use them, plus the level range the
 * quantized values may take ({@code levelLow..levelHigh}, inside the storage type's range; narrower for fewer bits or
 * narrow-range weights).
 *
 * @param scale     one value per tensor ({@code axis == -1}) or one per channel along {@code axis}
 * @param zeroPoint same length as {@code scale}, in the storage type's integer domain
 * @param axis      channel axis for per-channel parameters, {@code -1} for per-tensor
 * @param storage   INT8, UINT8, INT16 or UINT16
 */
public record QuantParams(float[] scale, int[] zeroPoint, int axis, DType storage, int levelLow, int levelHigh)
        implements Serializable {

    public QuantParams {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(zeroPoint, "zeroPoint");
        Objects.requireNonNull(storage, "storage");
        if (scale.length == 0 || scale.length != zeroPoint.length) {
            throw new IllegalArgumentException("scale and zeroPoint must be non-empty and of equal length");
        }
        if (axis < 0 && scale.length != 1) {
            throw new IllegalArgumentException("per-tensor parameters need exactly one scale");
        }
        if (levelLow >= levelHigh || levelLow < typeMin(storage) || levelHigh > typeMax(storage)) {
            throw new IllegalArgumentException(
                    "levels " + levelLow + ".." + levelHigh + " do not fit " + storage);
        }
        for (int i = 0; i < scale.length; i++) {
            if (!(scale[i] > 0f) || !Float.isFinite(scale[i])) {
                throw new IllegalArgumentException("scale must be finite and > 0, got " + scale[i]);
            }
            if (zeroPoint[i] < levelLow || zeroPoint[i] > levelHigh) {
                throw new IllegalArgumentException("zero point " + zeroPoint[i] + " outside levels");
            }
        }
        scale = scale.clone();
        zeroPoint = zeroPoint.clone();
    }

    public boolean perChannel() {
        return axis >= 0;
    }

    /** True when the levels are narrower than the storage type (the Q/DQ pair needs a clip to emulate them). */
    public boolean narrowerThanStorage() {
        return levelLow > typeMin(storage) || levelHigh < typeMax(storage);
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public int[] zeroPoint() {
        return zeroPoint.clone();
    }

    public static int typeMin(DType t) {
        return switch (t) {
            case INT8 -> -128;
            case UINT8, UINT16 -> 0;
            case INT16 -> -32768;
            default -> throw new IllegalArgumentException("not a quantized storage type: " + t);
        };
    }

    public static int typeMax(DType t) {
        return switch (t) {
            case INT8 -> 127;
            case UINT8 -> 255;
            case INT16 -> 32767;
            case UINT16 -> 65535;
            default -> throw new IllegalArgumentException("not a quantized storage type: " + t);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantParams p && axis == p.axis && storage == p.storage && levelLow == p.levelLow
                && levelHigh == p.levelHigh && Arrays.equals(scale, p.scale) && Arrays.equals(zeroPoint, p.zeroPoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(axis, storage, levelLow, levelHigh) * 31 * 31 + Arrays.hashCode(scale) * 31
                + Arrays.hashCode(zeroPoint);
    }

    @Override
    public String toString() {
        return "QuantParams[" + storage + " levels " + levelLow + ".." + levelHigh + ", axis " + axis + ", scale "
                + (scale.length == 1 ? scale[0] : scale.length + " values") + ", zp "
                + (zeroPoint.length == 1 ? zeroPoint[0] : zeroPoint.length + " values") + "]";
    }
}
