package dev.sparkptq.calibration;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weight scales small enough to overflow ONNX Runtime's int32 bias are raised; all others are kept. */
class BiasSafeScalesTest {
    private static QuantParams weights(float... scales) {
        return new QuantParams(scales, new int[scales.length], 0, DType.INT8, -127, 127);
    }

    @Test
    void aDeadChannelGetsTheSmallestScaleItsBiasFitsAndTheOthersKeepTheirs() {
        QuantParams w = weights(0.01f, (float) QuantParamsCalculator.MIN_SCALE, 0.02f);
        float[] bias = {0.5f, -3f, 100f};
        QuantParams safe = BiasSafeScales.apply(w, bias, 0.008);
        float[] s = safe.scale();
        assertEquals(0.01f, s[0]);
        assertEquals(0.02f, s[2]);
        double quantizedBias = Math.abs(bias[1]) / (0.008 * s[1]);
        assertTrue(quantizedBias <= BiasSafeScales.LIMIT, "bias fits: " + quantizedBias);
        assertTrue(quantizedBias > BiasSafeScales.LIMIT * 0.999, "no coarser than needed: " + quantizedBias);
        assertArrayEquals(new int[3], safe.zeroPoint());
    }

    @Test
    void nothingToRaiseReturnsTheSameParametersAndAZeroBiasNeverRaises() {
        QuantParams w = weights(0.01f, 0.02f);
        assertSame(w, BiasSafeScales.apply(w, new float[]{1f, -2f}, 0.01));
        QuantParams tiny = weights((float) QuantParamsCalculator.MIN_SCALE, 0.02f);
        assertSame(tiny, BiasSafeScales.apply(tiny, new float[]{0f, 1f}, 0.01));
    }

    @Test
    void anAsymmetricChannelKeepsItsLowEnd() {
        QuantParams w = new QuantParams(new float[]{1e-9f}, new int[]{-100}, -1, DType.INT8, -128, 127);
        QuantParams safe = BiasSafeScales.apply(w, new float[]{50f}, 0.01);
        double minBefore = (-128 - (-100)) * 1e-9;
        double minAfter = (-128 - safe.zeroPoint()[0]) * (double) safe.scale()[0];
        double step = safe.scale()[0];
        assertTrue(minAfter <= minBefore + step / 2, "the range still reaches " + minBefore + " within half a step: "
                + minAfter);
        assertTrue(safe.zeroPoint()[0] >= -128 && safe.zeroPoint()[0] <= 127);
    }
}
