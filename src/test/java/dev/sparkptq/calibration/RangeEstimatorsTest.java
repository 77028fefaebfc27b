package dev.sparkptq.calibration;

import dev.sparkptq.config.RangeEstimatorSpec;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeEstimatorsTest {

    private static RangeEstimatorSpec.StatisticSpec side(StatType t, Aggregator a, Double clip) {
        return new RangeEstimatorSpec.StatisticSpec(t, a, clip, null);
    }

    /** POT's per-tensor symmetric activation default: min of per-sample min, mean of per-sample abs_max. */
    private static final TensorQuantSpec SYM_ACT = new TensorQuantSpec(8, QuantScheme.SYMMETRIC,
            Granularity.PER_TENSOR, null, null, new RangeEstimatorSpec(side(StatType.MIN, Aggregator.MIN, null),
            side(StatType.ABS_MAX, Aggregator.MEAN, null)));
    /** POT's per-channel asymmetric activation default: min of min, max of max. */
    private static final TensorQuantSpec ASYM_ACT_PC = new TensorQuantSpec(8, QuantScheme.ASYMMETRIC,
            Granularity.PER_CHANNEL, null, null, new RangeEstimatorSpec(side(StatType.MIN, Aggregator.MIN, null),
            side(StatType.MAX, Aggregator.MAX, null)));
    private static final TensorQuantSpec SYM_WEIGHT_PC = new TensorQuantSpec(8, QuantScheme.SYMMETRIC,
            Granularity.PER_CHANNEL, null, null, new RangeEstimatorSpec(null, side(StatType.ABS_MAX, null, null)));
    private static final TensorQuantSpec ASYM_WEIGHT = new TensorQuantSpec(8, QuantScheme.ASYMMETRIC,
            Granularity.PER_TENSOR, null, null, new RangeEstimatorSpec(side(StatType.MIN, null, null),
            side(StatType.MAX, null, null)));

    @Test
    void requiredStatisticsMapPotEstimatorsToSpecs() {
        assertEquals(List.of(new StatisticSpec("a", PerSampleStat.MIN, -1, Aggregation.MIN, null),
                        new StatisticSpec("a", PerSampleStat.ABS_MAX, -1, Aggregation.MEAN, null)),
                RangeEstimators.requiredStatistics("a", SYM_ACT, 1));
        assertEquals(List.of(new StatisticSpec("a", PerSampleStat.MIN, 1, Aggregation.MIN, null),
                        new StatisticSpec("a", PerSampleStat.MAX, 1, Aggregation.MAX, null)),
                RangeEstimators.requiredStatistics("a", ASYM_ACT_PC, 1));
        TensorQuantSpec maxOnly = new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, null, null,
                new RangeEstimatorSpec(null, side(StatType.MAX, Aggregator.MEAN, 6.0)));
        assertEquals(List.of(new StatisticSpec("a", PerSampleStat.MAX, -1, Aggregation.MEAN, 6.0)),
                RangeEstimators.requiredStatistics("a", maxOnly, 1));
    }

    @Test
    void incompleteEstimatorsAreConfigErrorsNamingTheTensor() {
        TensorQuantSpec noProbability = new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, null,
                null, new RangeEstimatorSpec(null, side(StatType.QUANTILE, Aggregator.MEAN, null)));
        ConfigException q = assertThrows(ConfigException.class,
                () -> RangeEstimators.requiredStatistics("act", noProbability, 1));
        assertTrue(q.getMessage().contains("outlier_prob") && q.getMessage().contains("'act'"), q.getMessage());
        TensorQuantSpec noAggregator = new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, null,
                null, new RangeEstimatorSpec(null, side(StatType.MAX, null, null)));
        ConfigException a = assertThrows(ConfigException.class,
                () -> RangeEstimators.requiredStatistics("act", noAggregator, 1));
        assertTrue(a.getMessage().contains("hl_estimator"), a.getMessage());
        assertThrows(InternalException.class, () -> RangeEstimators.requiredStatistics("act", ASYM_ACT_PC, -1));
    }

    private static Map<StatisticSpec, StatResult> stats(String tensor, TensorQuantSpec spec, int axis,
                                                        double[] low, double[] high) {
        List<StatisticSpec> req = RangeEstimators.requiredStatistics(tensor, spec, axis);
        return req.size() == 1 ? Map.of(req.get(0), new StatResult(high, 10, 0))
                : Map.of(req.get(0), new StatResult(low, 10, 0), req.get(1), new StatResult(high, 10, 0));
    }

    @Test
    void symmetricActivationTakesMagnitudeFromHighSideAndSignFromLowSide() {
        Range signed = RangeEstimators.activationRange("a", SYM_ACT, 1,
                stats("a", SYM_ACT, 1, new double[] {-9.0}, new double[] {4.0}));
        assertEquals(Range.of(-4, 4), signed, "POT keeps the mean abs_max even when the min is more extreme");
        Range unsigned = RangeEstimators.activationRange("a", SYM_ACT, 1,
                stats("a", SYM_ACT, 1, new double[] {0.0}, new double[] {4.0}));
        assertEquals(Range.of(0, 4), unsigned);
        QuantParams p = QuantParamsCalculator.activation(unsigned, SYM_ACT, -1);
        assertEquals(0, p.levelLow());
        assertEquals(255, p.levelHigh());
    }

    @Test
    void symmetricWithPlainMaxCoversAllNegativeTensors() {
        TensorQuantSpec spec = new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, null, null,
                new RangeEstimatorSpec(side(StatType.MIN, Aggregator.MIN, null), side(StatType.MAX, Aggregator.MAX,
                        null)));
        Range r = RangeEstimators.activationRange("a", spec, 1,
                stats("a", spec, 1, new double[] {-7.0}, new double[] {-1.0}));
        assertEquals(Range.of(-7, 7), r);
    }

    @Test
    void asymmetricActivationKeepsBothSidesPerChannel() {
        Range r = RangeEstimators.activationRange("a", ASYM_ACT_PC, 1,
                stats("a", ASYM_ACT_PC, 1, new double[] {-1, 0.5}, new double[] {2, 3}));
        assertArrayEquals(new double[] {-1, 0.5}, r.min());
        assertArrayEquals(new double[] {2, 3}, r.max());
    }

    @Test
    void missingOrNaNStatisticsFailWithTheTensorName() {
        InternalException missing = assertThrows(InternalException.class,
                () -> RangeEstimators.activationRange("a", SYM_ACT, 1, Map.of()));
        assertTrue(missing.getMessage().contains("'a'"), missing.getMessage());
        DataException nan = assertThrows(DataException.class, () -> RangeEstimators.activationRange("a",
                ASYM_ACT_PC, 1, stats("a", ASYM_ACT_PC, 1, new double[] {-1, Double.NaN}, new double[] {2, 3})));
        assertTrue(nan.getMessage().contains("tensor a channel 1 produced only NaN/Inf"), nan.getMessage());
        TensorQuantSpec inverted = new TensorQuantSpec(8, QuantScheme.ASYMMETRIC, Granularity.PER_TENSOR, null,
                null, new RangeEstimatorSpec(side(StatType.MIN, Aggregator.MAX, null), side(StatType.MAX,
                Aggregator.MIN, null)));
        assertThrows(DataException.class, () -> RangeEstimators.activationRange("a", inverted, 1,
                stats("a", inverted, 1, new double[] {3}, new double[] {2})));
    }

    @Test
    void weightRangePerChannelMatchesNaiveAbsMax() {
        Random rnd = new Random(7);
        long[] shape = {4, 3, 2, 2};
        float[] w = new float[48];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        Range r = RangeEstimators.weightRange("conv.w", Tensor.ofFloats(shape, w), SYM_WEIGHT_PC, 0);
        assertEquals(4, r.length());
        for (int o = 0; o < 4; o++) {
            double m = 0;
            for (int i = o * 12; i < (o + 1) * 12; i++) {
                m = Math.max(m, Math.abs(w[i]));
            }
            assertEquals(m, r.max(o));
            assertEquals(-m, r.min(o));
        }
        QuantParams p = QuantParamsCalculator.weight(r, SYM_WEIGHT_PC, 0);
        assertEquals(-127, p.levelLow());
        assertEquals((float) (r.max(2) / 127), p.scale()[2]);
    }

    @Test
    void asymmetricWeightRangeIsMinAndMaxOfTheData() {
        Range r = RangeEstimators.weightRange("fc.w", Tensor.ofFloats(new long[] {2, 3},
                new float[] {0.5f, -0.25f, 2f, 1f, 0f, 0.75f}), ASYM_WEIGHT, 0);
        assertEquals(Range.of(-0.25, 2), r);
    }

    @Test
    void nonFiniteOrEmptyWeightsAreModelErrorsNamingTheTensor() {
        Tensor bad = Tensor.ofFloats(new long[] {2, 2}, new float[] {1f, Float.NaN, 2f, Float.POSITIVE_INFINITY});
        ModelException e = assertThrows(ModelException.class,
                () -> RangeEstimators.weightRange("fc.w", bad, SYM_WEIGHT_PC, 0));
        assertTrue(e.getMessage().contains("'fc.w'") && e.getMessage().contains("2 NaN/Inf"), e.getMessage());
        Tensor empty = Tensor.ofFloats(new long[] {0, 3}, new float[0]);
        assertThrows(ModelException.class, () -> RangeEstimators.weightRange("e", empty, ASYM_WEIGHT, 0));
        assertThrows(ModelException.class, () -> RangeEstimators.weightRange("i",
                Tensor.ofInts(new long[] {2}, new int[2]), ASYM_WEIGHT, 0));
    }

    @Test
    void clippingValuesFromTheEstimatorApplyToActivationsAndWeights() {
        TensorQuantSpec relu6 = new TensorQuantSpec(8, QuantScheme.ASYMMETRIC, Granularity.PER_TENSOR, null, null,
                new RangeEstimatorSpec(side(StatType.MIN, Aggregator.MIN, 0.0), side(StatType.MAX, Aggregator.MAX,
                        6.0)));
        StatisticsSet set = StatisticsSet.empty(RangeEstimators.requiredStatistics("r", relu6, 1));
        set.addBatch(Map.of("r", Tensor.ofFloats(new long[] {2, 2}, new float[] {-1f, 9f, 0.5f, 3f})));
        assertEquals(Range.of(0, 6), RangeEstimators.activationRange("r", relu6, 1, set.results()));
        Range w = RangeEstimators.weightRange("w", Tensor.ofFloats(new long[] {3}, new float[] {-2f, 1f, 8f}),
                relu6, 0);
        assertEquals(Range.of(0, 6), w);
    }

    @Test
    void statisticsSetToQuantParamsEndToEndMatchesNaiveComputation() {
        Random rnd = new Random(99);
        StatisticsSet set = StatisticsSet.empty(RangeEstimators.requiredStatistics("act", SYM_ACT, 1));
        double minOfMins = Double.POSITIVE_INFINITY;
        double sumAbsMax = 0;
        int samples = 0;
        for (int b = 0; b < 5; b++) {
            float[] data = new float[2 * 8];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rnd.nextGaussian() * 2);
            }
            for (int s = 0; s < 2; s++) {
                double mn = Double.POSITIVE_INFINITY;
                double am = 0;
                for (int i = s * 8; i < s * 8 + 8; i++) {
                    mn = Math.min(mn, data[i]);
                    am = Math.max(am, Math.abs(data[i]));
                }
                minOfMins = Math.min(minOfMins, mn);
                sumAbsMax += am;
                samples++;
            }
            set.addBatch(Map.of("act", Tensor.ofFloats(new long[] {2, 8}, data)));
        }
        set.requireComplete();
        Range r = RangeEstimators.activationRange("act", SYM_ACT, 1, set.results());
        double meanAbsMax = sumAbsMax / samples;
        assertTrue(minOfMins < 0);
        assertEquals(meanAbsMax, r.max(0), 1e-12);
        assertEquals(-meanAbsMax, r.min(0), 1e-12);
        QuantParams p = QuantParamsCalculator.activation(r, SYM_ACT, -1);
        assertEquals((float) (meanAbsMax / 127), p.scale()[0], Math.ulp((float) (meanAbsMax / 127)));
        assertEquals(0, p.zeroPoint()[0]);
    }
}
