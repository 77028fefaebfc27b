package dev.sparkptq.algorithms.smoothquant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.plan.SmoothQuantScales;
import dev.sparkptq.plan.SmoothingGroup;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The predicted-noise rule that decides which SmoothQuant groups are smoothed. */
class SmoothingGainTest {
    private static final int K = 16;
    private static final int N = 12;

    private static SmoothingGroup group(Tensor weight, boolean folded) {
        SmoothingGroup.Fold fold = folded ? SmoothingGroup.Fold.of("producer", 1, Tensor.ofFloats(new long[0],
                new float[] {0.5f})) : null;
        return new SmoothingGroup("x", K, List.of(new SmoothingGroup.Member("mm", 1, weight, 0)), fold);
    }

    private static Tensor weight() {
        return TinyModels.randomTensor(3, K, N);
    }

    @Test
    void oneActivationChannelDwarfingTheRestIsWorthAMul() {
        double[] a = new double[K];
        Arrays.fill(a, 1);
        a[5] = 60; // a LayerNorm outlier dimension
        SmoothingGroup g = group(weight(), false);
        double[] s = SmoothQuantScales.scales(g, a, 0.75);
        double ratio = SmoothingGain.noise(g, a, s) / SmoothingGain.noise(g, a, null);
        assertTrue(ratio < SmoothingGain.MUL_MAX_RATIO, "predicted noise ratio " + ratio);
        assertTrue(SmoothingGain.pays(g, a, s));
    }

    /** Weight row 0 is {@code rowFactor} times the others. */
    private static Tensor weightWithLargeRow0(double rowFactor) {
        float[] v = weight().floats().clone();
        for (int n = 0; n < N; n++) {
            v[n] *= (float) rowFactor;
        }
        return Tensor.ofFloats(new long[] {K, N}, v);
    }

    @Test
    void anOutlierChannelWhoseWeightRowIsLargeTooIsLeftAlone() {
        double[] a = new double[K];
        Arrays.fill(a, 1);
        a[0] = 10;
        SmoothingGroup g = group(weightWithLargeRow0(10), true);
        double[] s = SmoothQuantScales.scales(g, a, 0.75);
        // s_0 grows the weight row that already sets every column's weight step
        assertTrue(SmoothingGain.noise(g, a, s) > 1.2 * SmoothingGain.noise(g, a, null), "smoothing adds noise");
        assertFalse(SmoothingGain.pays(g, a, s), "not even when the 1/s would fold for free");
    }

    @Test
    void aUniformScaleChangesNothingSoItDoesNotPay() {
        double[] a = new double[K];
        Arrays.fill(a, 3);
        double[] s = new double[K];
        Arrays.fill(s, 2);
        SmoothingGroup g = group(weight(), true);
        assertEquals(SmoothingGain.noise(g, a, null), SmoothingGain.noise(g, a, s),
                1e-9 * SmoothingGain.noise(g, a, null), "x/c and W·c quantize alike");
        assertFalse(SmoothingGain.pays(g, a, s));
    }

    @Test
    void aMulMustBuyMoreThanAFoldDoes() {
        double[] a = new double[K];
        Arrays.fill(a, 1);
        a[0] = 4;
        Tensor w = weightWithLargeRow0(10);
        double[] s = SmoothQuantScales.scales(group(w, true), a, 0.5);
        double ratio = SmoothingGain.noise(group(w, true), a, s) / SmoothingGain.noise(group(w, true), a, null);
        assertTrue(ratio > SmoothingGain.MUL_MAX_RATIO && ratio < SmoothingGain.FOLDED_MAX_RATIO,
                "a modest outlier: predicted ratio " + ratio);
        assertTrue(SmoothingGain.pays(group(w, true), a, s), "folded: free, so any gain is taken");
        assertFalse(SmoothingGain.pays(group(w, false), a, s), "a Mul at run time must buy at least 20 %");
    }
}
