package dev.sparkptq.core;

/**
 * IEEE 754 binary16 ("half", ONNX FLOAT16) bit patterns to and from float: the one codec the tool uses, for reading
 * FP16 models (exact widening) and for storing parameter vectors as FLOAT16 (rounding to nearest, ties to even).
 * Java 17 has no {@code Float.floatToFloat16}.
 */
public final class HalfFloat {
    /** The largest finite half. */
    public static final float MAX = 65504f;
    /** The smallest normal half, 2<sup>−14</sup>; below it halves are subnormal, in steps of 2<sup>−24</sup>. */
    public static final float MIN_NORMAL = 0x1p-14f;

    private HalfFloat() {
    }

    /**
     * The nearest half (ties to even) of a finite value of magnitude at most {@link #MAX} (callers check; the result
     * of any other value is unspecified).
     */
    public static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (Float.intBitsToFloat(magnitude) < MIN_NORMAL) {
            // exact: scaling by a power of two; rint rounds ties to even; 1024 steps is the smallest normal
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24));
        }
        int exponent = (magnitude >>> 23) - 127 + 15;
        int mantissa = magnitude & 0x7fffff;
        int half = (exponent << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || rest == 0x1000 && (half & 1) == 1) {
            half++; // a carry out of the mantissa correctly bumps the exponent
        }
        return (short) (sign | half);
    }

    /** The float value of a half, exactly (subnormals, infinities and NaN payloads kept). */
    public static float toFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13);
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mantissa * 0x1p-24f; // subnormal: mantissa · 2^-24, exact in float
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }
}
