package dev.sparkptq.pipeline;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantNoiseSumsTest {
    /** Seeded samples of two tensors: each entry is {reference, quantized}. */
    private static List<float[][]> samples(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[][]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 1 + rnd.nextInt(300);
            float[] x = new float[len];
            float[] q = new float[len];
            double amp = Math.pow(10, rnd.nextInt(-6, 7)); // wide magnitudes make double sums order-sensitive
            for (int k = 0; k < len; k++) {
                x[k] = (float) (rnd.nextGaussian() * amp);
                q[k] = x[k] + (float) (rnd.nextGaussian() * amp * 0.01);
            }
            out.add(new float[][]{x, q});
        }
        return out;
    }

    private static QuantNoiseSums sum(List<float[][]> samples, int from, int to) {
        QuantNoiseSums s = new QuantNoiseSums();
        for (int i = from; i < to; i++) {
            s.add(i % 2 == 0 ? "a" : "b", samples.get(i)[0], samples.get(i)[1]);
        }
        return s;
    }

    @Test
    void anySplitMergedInAnyOrderEqualsAllAtOnceExactly() {
        List<float[][]> data = samples(11, 60);
        QuantNoiseSums whole = sum(data, 0, 60);
        for (int cut : new int[]{1, 17, 30, 59}) {
            QuantNoiseSums left = sum(data, 0, cut);
            QuantNoiseSums right = sum(data, cut, 60);
            assertEquals(whole, sum(data, 0, cut).merge(right), "left+right at " + cut);
            assertEquals(whole, right.merge(left), "right+left at " + cut);
        }
        QuantNoiseSums threeWay = sum(data, 40, 60).merge(sum(data, 0, 13)).merge(sum(data, 13, 40));
        assertEquals(whole, threeWay);
        assertEquals(whole.results(), threeWay.results(), "bit-identical doubles too");
    }

    @Test
    void mergingAnEmptyAccumulatorChangesNothing() {
        List<float[][]> data = samples(3, 10);
        QuantNoiseSums s = sum(data, 0, 10);
        assertEquals(sum(data, 0, 10), s.merge(new QuantNoiseSums()));
        assertEquals(sum(data, 0, 10), new QuantNoiseSums().merge(s));
        assertNotEquals(sum(data, 0, 9), s);
    }

    @Test
    void sqnrOfAKnownSyntheticErrorIsTwentyLog10OfTheAmplitudeRatio() {
        // x = ±2, error = ±0.125 (exact in float): Σx²/Σe² = 4/0.015625 = 256 → 20·log10(16) dB
        float[] x = new float[100];
        float[] q = new float[100];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 2 == 0 ? 2f : -2f;
            q[i] = x[i] + (i % 3 == 0 ? 0.125f : -0.125f);
        }
        QuantNoise.Result r = new QuantNoiseSums().add("t", x, q).add("t", x, q).results().get("t");
        assertEquals(800.0, r.signal(), 0.0);
        assertEquals(3.125, r.noise(), 0.0);
        assertEquals(2, r.samples());
        assertEquals(20 * Math.log10(16), r.sqnrDb(), 1e-12);
    }

    @Test
    void noErrorIsInfiniteAndNonFiniteElementsAreCountedNotSummed() {
        float[] x = {1f, Float.NaN, 3f};
        QuantNoise.Result r = new QuantNoiseSums().add("t", x, new float[]{1f, 2f, 3f}).results().get("t");
        assertEquals(10.0, r.signal(), 0.0);
        assertEquals(1, r.nonFinite());
        assertEquals(Double.POSITIVE_INFINITY, r.sqnrDb());
        assertTrue(Double.isNaN(QuantNoise.sqnrDb(0, 0)));
    }

    @Test
    void differentElementCountsAreRejected() {
        assertThrows(RuntimeException.class, () -> new QuantNoiseSums().add("t", new float[2], new float[3]));
    }

    @Test
    void eightBitPerTensorWeightSqnrIsNearTheUniformNoiseModel() {
        // uniform weights on [-1, 1], symmetric 8-bit: noise ≈ s²/12 with s = 1/127, signal ≈ 1/3 per element
        SplittableRandom rnd = new SplittableRandom(5);
        float[] w = new float[20000];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float s = 1f / 127;
        QuantParams p = new QuantParams(new float[]{s}, new int[]{0}, -1, DType.INT8, -127, 127);
        double db = WeightQuantNoise.of(Tensor.ofFloats(new long[]{200, 100}, w), p).sqnrDb();
        double model = 10 * Math.log10((1.0 / 3) / (s * (double) s / 12));
        assertEquals(model, db, 0.3);
    }
}
