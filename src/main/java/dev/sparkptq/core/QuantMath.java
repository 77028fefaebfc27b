package dev.sparkptq.core;

/**
 * The arithmetic of ONNX QuantizeLinear/DequantizeLinear: {@code q = clamp(round_half_even(x / s) + zp, lo, hi)},
 * {@code x' = (q - zp) * s}. One place so that offline weight quantization and reference checks agree with
 * ONNX Runtime bit for bit.
 */
public final class QuantMath {
    private QuantMath() {
    }

    public static int quantize(float x, float scale, int zeroPoint, int levelLow, int levelHigh) {
        float v = x / scale;
        double r = Math.rint(v) + zeroPoint;
        if (r < levelLow) {
            return levelLow;
        }
        if (r > levelHigh) {
            return levelHigh;
        }
        return (int) r;
    }

    public static float dequantize(int q, float scale, int zeroPoint) {
        return (q - zeroPoint) * scale;
    }
}
