package dev.sparkptq.algorithms.biascorrection;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The closed-form quantized output mean and POT's shift magnitude, against hand-computed cases. */
class BiasShiftTest {

    @Test
    void convWithZeroPaddingAveragesTheBorderPositions() {
        // 1→1 channel, 3×3 ones kernel, 3×3 input of constant 2, pad 1: the 9 outputs see 4 (corners), 6 (edges)
        // and 9 (centre) real taps, so the mean output is (4·4 + 4·6 + 9) / 9 · 2 + bias.
        float[] w = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        BiasShift.Axis a = new BiasShift.Axis(3, 3, 1, 1, 1, 1);
        double[] out = BiasShift.conv(w, 1, 1, new double[]{2}, new double[]{0.5},
                new BiasShift.Axis[]{a, a});
        assertArrayEquals(new double[]{49.0 / 9 * 2 + 0.5}, out, 1e-12);
    }

    @Test
    void convWithoutPaddingIsTheInteriorValueAndGroupsReadTheirOwnChannels() {
        // depthwise (group 2), 1×1 output of a 2×2 input with a 2×2 kernel: every tap is inside
        float[] w = {1, 2, 3, 4, /* oc1 */ -1, 0, 0, 1};
        BiasShift.Axis a = new BiasShift.Axis(2, 2, 1, 1, 0, 0);
        double[] out = BiasShift.conv(w, 2, 2, new double[]{1.5, -3}, new double[]{0, 1},
                new BiasShift.Axis[]{a, a});
        assertArrayEquals(new double[]{10 * 1.5, 0 * -3 + 1}, out, 1e-12);
    }

    @Test
    void stridedAxisCountsOnlyVisitedPositions() {
        // in 4, kernel 3, stride 2, pad 1+1: outputs at i0 = -1, 1; tap 0 inside once, taps 1 and 2 twice
        assertArrayEquals(new double[]{0.5, 1, 1}, new BiasShift.Axis(4, 3, 2, 1, 1, 1).insideFractions(), 1e-12);
    }

    @Test
    void gemmIsAlphaTimesMeansTimesWeightsPlusBias() {
        // transB: B is [N=2, K=3]
        float[] b = {1, 0, 2, /* n1 */ -1, 1, 1};
        double[] out = BiasShift.gemm(b, 3, 2, true, 0.5, new double[]{1, 2, 3}, new double[]{10, 20});
        assertArrayEquals(new double[]{0.5 * 7 + 10, 0.5 * 4 + 20}, out, 1e-12);
        double[] plain = BiasShift.gemm(new float[]{1, -1, 0, 1, 2, 1}, 3, 2, false, 1, new double[]{1, 2, 3},
                new double[]{0, 0});
        assertArrayEquals(new double[]{7, 4}, plain, 1e-12);
    }

    @Test
    void magnitudeIsTheLargestRelativeShiftAndInfiniteForAZeroBias() {
        assertEquals(0.5, BiasShift.magnitude(new double[]{2, -4}, new double[]{0.5, 2}), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, BiasShift.magnitude(new double[]{1, 0}, new double[]{0.1, 0.1}));
    }
}
