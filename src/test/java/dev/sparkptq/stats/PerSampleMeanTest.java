package dev.sparkptq.stats;

import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PerSampleStat.MEAN: per-sample, per-channel arithmetic mean of the finite values. */
class PerSampleMeanTest {

    @Test
    void perChannelMeanOfEachSampleSkipsNonFiniteValues() {
        // [2 samples, 2 channels, 3 positions]
        float[] x = {1, 2, 3, /* c1 */ -4, 0, 4,
                10, Float.NaN, 20, /* c1 */ 5, 5, Float.POSITIVE_INFINITY};
        Reduced r = PerSampleReducer.reduce(Tensor.ofFloats(new long[]{2, 2, 3}, x), PerSampleStat.MEAN, 1);
        assertArrayEquals(new double[]{2, 0}, r.values()[0], 1e-12);
        assertArrayEquals(new double[]{15, 5}, r.values()[1], 1e-12);
        assertEquals(2, r.nonFinite());
    }

    @Test
    void channelsLastMeanMatchesHandComputedValues() {
        // [1 sample, 2 positions, 3 channels], channel axis 2
        float[] x = {1, 2, 3, 5, 6, 7};
        Reduced r = PerSampleReducer.reduce(Tensor.ofFloats(new long[]{1, 2, 3}, x), PerSampleStat.MEAN, 2);
        assertArrayEquals(new double[]{3, 4, 5}, r.values()[0], 1e-12);
    }

    @Test
    void aggregatedWithMeanOverSamplesGivesTheMeanOfPerSampleMeans() {
        StatisticSpec spec = new StatisticSpec("t", PerSampleStat.MEAN, 1, Aggregation.MEAN, null);
        StatAccumulator a = StatAccumulator.create(spec);
        a.add(PerSampleReducer.reduce(Tensor.ofFloats(new long[]{1, 1, 2}, new float[]{1, 3}), PerSampleStat.MEAN, 1)
                .values()[0]);
        StatAccumulator b = StatAccumulator.create(spec);
        b.add(PerSampleReducer.reduce(Tensor.ofFloats(new long[]{1, 1, 4}, new float[]{4, 4, 4, 8}),
                PerSampleStat.MEAN, 1).values()[0]);
        a.merge(b);
        assertEquals((2 + 5) / 2.0, a.result().value(0), 1e-12);
        assertTrue(PerSampleStat.MEAN.side(Double.NaN) == PerSampleStat.Side.HIGH);
    }
}
