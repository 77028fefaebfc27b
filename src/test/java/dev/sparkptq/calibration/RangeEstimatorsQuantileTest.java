package dev.sparkptq.calibration;

import dev.sparkptq.config.RangeEstimatorDefaults;
import dev.sparkptq.config.RangeEstimatorDefaults.EstimatorPreset;
import dev.sparkptq.config.RangeEstimatorDefaults.TensorRole;
import dev.sparkptq.config.RangeEstimatorSpec;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POT's quantile types, every aggregator and the quantile preset, from config records to ranges. */
class RangeEstimatorsQuantileTest {

    private static RangeEstimatorSpec.StatisticSpec side(StatType t, Aggregator a, Double outlierProb) {
        return new RangeEstimatorSpec.StatisticSpec(t, a, null, outlierProb);
    }

    private static TensorQuantSpec activation(QuantScheme mode, Granularity g, RangeEstimatorSpec.StatisticSpec min,
                                              RangeEstimatorSpec.StatisticSpec max) {
        return new TensorQuantSpec(8, mode, g, null, null, new RangeEstimatorSpec(min, max));
    }

    @Test
    void everyTypeAndAggregatorMapsToItsStatisticAggregationAndProbability() {
        for (StatType type : StatType.values()) {
            boolean quantile = type == StatType.QUANTILE || type == StatType.ABS_QUANTILE;
            Double p = quantile ? 0.001 : null;
            for (Aggregator agg : Aggregator.values()) {
                TensorQuantSpec spec = activation(QuantScheme.ASYMMETRIC, Granularity.PER_CHANNEL,
                        side(type, agg, p), side(type, agg, p));
                PerSampleStat stat = PerSampleStat.valueOf(type.name());
                Aggregation aggregation = Aggregation.valueOf(agg.name());
                Double lowQ = type == StatType.QUANTILE ? Double.valueOf(0.001) : quantile ? 0.999 : null;
                Double highQ = quantile ? 0.999 : null;
                assertEquals(List.of(new StatisticSpec("t", stat, 2, aggregation, null, lowQ),
                                new StatisticSpec("t", stat, 2, aggregation, null, highQ)),
                        RangeEstimators.requiredStatistics("t", spec, 2), type + " " + agg);
            }
        }
    }

    @Test
    void symmetricPerChannelActivationsCollectTheMinSidePerTensorAsPotDoes() {
        TensorQuantSpec spec = activation(QuantScheme.SYMMETRIC, Granularity.PER_CHANNEL,
                side(StatType.MIN, Aggregator.MIN, null), side(StatType.ABS_QUANTILE, Aggregator.MAX, 1e-4));
        assertEquals(List.of(new StatisticSpec("t", PerSampleStat.MIN, -1, Aggregation.MIN, null),
                        new StatisticSpec("t", PerSampleStat.ABS_QUANTILE, 1, Aggregation.MAX, null, 1 - 1e-4)),
                RangeEstimators.requiredStatistics("t", spec, 1));
        List<StatisticSpec> req = RangeEstimators.requiredStatistics("t", spec, 1);
        Range r = RangeEstimators.activationRange("t", spec, 1, Map.of(
                req.get(0), new StatResult(new double[] {-0.5}, 3, 0),
                req.get(1), new StatResult(new double[] {2, 4}, 3, 0)));
        assertArrayEquals(new double[] {-2, -4}, r.min());
        assertArrayEquals(new double[] {2, 4}, r.max());
    }

    @Test
    void anAbsQuantileMinSideCountsAsItsNegationAndASignedQuantileHighSideCoversNegatives() {
        TensorQuantSpec asym = activation(QuantScheme.ASYMMETRIC, Granularity.PER_TENSOR,
                side(StatType.ABS_QUANTILE, Aggregator.MEAN, 1e-3), side(StatType.MAX, Aggregator.MEAN, null));
        List<StatisticSpec> a = RangeEstimators.requiredStatistics("t", asym, 1);
        assertEquals(Range.of(-3, 5), RangeEstimators.activationRange("t", asym, 1, Map.of(
                a.get(0), new StatResult(new double[] {3}, 2, 0), a.get(1), new StatResult(new double[] {5}, 2, 0))));
        TensorQuantSpec sym = activation(QuantScheme.SYMMETRIC, Granularity.PER_TENSOR,
                side(StatType.QUANTILE, Aggregator.MIN, 1e-3), side(StatType.QUANTILE, Aggregator.MEAN, 1e-3));
        List<StatisticSpec> s = RangeEstimators.requiredStatistics("t", sym, 1);
        assertEquals(Range.of(-7, 7), RangeEstimators.activationRange("t", sym, 1, Map.of(
                s.get(0), new StatResult(new double[] {-7}, 2, 0), s.get(1), new StatResult(new double[] {-1}, 2, 0))));
    }

    /**
     * One value per sample, so every aggregator's value is easy to work out by hand. Samples 0, 1, 5, 6, 100: the
     * 0.01/0.99 quantiles are 0.04 and 96.24, so the band keeps 1, 5, 6 (mean 4, median 5); the ten pair sums are
     * 1 5 6 6 7 11 100 101 105 106, median 9, Hodges–Lehmann 4.5. Samples 0, 0, 0, 5, 6, 9: median 2.5, the band
     * drops only the 9 (quantiles 0 and 8.85), median of the rest 0.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"MEAN, 22.4, 3.3333333333333335", "MAX, 100, 9", "MIN, 0, 0", "MEDIAN, 5, 2.5",
            "MEAN_NO_OUTLIERS, 4, 2.2", "MEDIAN_NO_OUTLIERS, 5, 0", "HL_ESTIMATOR, 4.5, 3"})
    void everyAggregatorGivesTheHighSideWorkedOutByHand(Aggregator agg, double first, double second) {
        TensorQuantSpec spec = activation(QuantScheme.ASYMMETRIC, Granularity.PER_TENSOR,
                side(StatType.MIN, Aggregator.MIN, null), side(StatType.MAX, agg, null));
        assertEquals(first, rangeOf(spec, new float[] {0, 1, 5, 6, 100}).max(0), 1e-12);
        assertEquals(second, rangeOf(spec, new float[] {0, 0, 0, 5, 6, 9}).max(0), 1e-12);
    }

    private static Range rangeOf(TensorQuantSpec spec, float[] perSample) {
        StatisticsSet set = StatisticsSet.empty(RangeEstimators.requiredStatistics("t", spec, 1));
        set.addBatch(Map.of("t", Tensor.ofFloats(new long[] {perSample.length, 1}, perSample)));
        return RangeEstimators.activationRange("t", spec, 1, set.results());
    }

    /** numpy's linear quantile, straight from a full sort. */
    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double h = (s.length - 1) * q;
        int lo = (int) h;
        if (lo >= s.length - 1) {
            return s[s.length - 1];
        }
        double t = h - lo;
        double d = s[lo + 1] - s[lo];
        return t < 0.5 ? s[lo] + d * t : s[lo + 1] - d * (1 - t);
    }

    @Test
    void quantilePresetWeightsUseTheOutlierQuantilesOfEachOutputChannel() {
        Random rnd = new Random(5);
        float[] w = new float[4 * 50];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * (1 + i / 50));
        }
        Tensor weight = Tensor.ofFloats(new long[] {4, 5, 10}, w);
        TensorQuantSpec asym = new TensorQuantSpec(8, QuantScheme.ASYMMETRIC, Granularity.PER_CHANNEL, null, null,
                RangeEstimatorDefaults.of(TensorRole.WEIGHTS, Granularity.PER_CHANNEL, QuantScheme.ASYMMETRIC,
                        EstimatorPreset.QUANTILE));
        TensorQuantSpec sym = new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_CHANNEL, null, null,
                RangeEstimatorDefaults.of(TensorRole.WEIGHTS, Granularity.PER_CHANNEL, QuantScheme.SYMMETRIC,
                        EstimatorPreset.QUANTILE));
        Range a = RangeEstimators.weightRange("w", weight, asym, 0);
        Range s = RangeEstimators.weightRange("w", weight, sym, 0);
        for (int o = 0; o < 4; o++) {
            double[] channel = new double[50];
            double[] abs = new double[50];
            for (int i = 0; i < 50; i++) {
                channel[i] = w[o * 50 + i];
                abs[i] = Math.abs(channel[i]);
            }
            assertEquals(quantile(channel, 1e-4), a.min(o), 0.0);
            assertEquals(quantile(channel, 1 - 1e-4), a.max(o), 0.0);
            assertEquals(quantile(abs, 1 - 1e-4), s.max(o), 0.0);
            assertEquals(-s.max(o), s.min(o), 0.0);
        }
    }

    /**
     * The quantile preset for activations, all four granularity × mode rows, through StatisticsSet, against the same
     * numbers computed the long way: every sample's values sorted, quantiles by formula, aggregators by plain loops.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"PER_TENSOR, SYMMETRIC", "PER_TENSOR, ASYMMETRIC", "PER_CHANNEL, SYMMETRIC",
            "PER_CHANNEL, ASYMMETRIC"})
    void quantilePresetActivationRangesMatchTheLongWay(Granularity granularity, QuantScheme mode) {
        TensorQuantSpec spec = new TensorQuantSpec(8, mode, granularity, null, null, RangeEstimatorDefaults.of(
                TensorRole.ACTIVATIONS, granularity, mode, EstimatorPreset.QUANTILE));
        int samples = 12;
        int channels = 3;
        int perChannel = 400;
        Random rnd = new Random(granularity.ordinal() * 2 + mode.ordinal());
        float[] data = new float[samples * channels * perChannel];
        for (int i = 0; i < data.length; i++) {
            double outlier = rnd.nextInt(200) == 0 ? 40 : 1;
            data[i] = (float) ((rnd.nextGaussian() + 0.5) * outlier);
        }
        StatisticsSet set = StatisticsSet.empty(RangeEstimators.requiredStatistics("t", spec, 1));
        set.addBatch(Map.of("t", Tensor.ofFloats(new long[] {samples, channels, perChannel}, data)));
        Range r = RangeEstimators.activationRange("t", spec, 1, set.results());

        boolean perTensor = granularity == Granularity.PER_TENSOR;
        int groups = perTensor ? 1 : channels;
        int size = perTensor ? channels * perChannel : perChannel;
        double[][] lowQ = new double[samples][groups];
        double[][] highQ = new double[samples][groups];
        double[][] highAbs = new double[samples][groups];
        double minOfAll = Double.POSITIVE_INFINITY;
        for (int s = 0; s < samples; s++) {
            for (int g = 0; g < groups; g++) {
                double[] v = new double[size];
                double[] a = new double[size];
                for (int i = 0; i < size; i++) {
                    v[i] = data[s * channels * perChannel + g * size + i];
                    a[i] = Math.abs(v[i]);
                    minOfAll = Math.min(minOfAll, v[i]);
                }
                lowQ[s][g] = quantile(v, 1e-4);
                highQ[s][g] = quantile(v, 1 - 1e-4);
                highAbs[s][g] = quantile(a, 1 - 1e-4);
            }
        }
        for (int g = 0; g < groups; g++) {
            double expectedLow;
            double expectedHigh;
            if (mode == QuantScheme.SYMMETRIC) {
                double m = perTensor ? mean(highAbs, g) : max(highAbs, g);
                expectedHigh = m;
                expectedLow = minOfAll < 0 ? -m : 0;
            } else {
                expectedLow = perTensor ? mean(lowQ, g) : min(lowQ, g);
                expectedHigh = perTensor ? mean(highQ, g) : max(highQ, g);
            }
            assertEquals(expectedLow, r.min(g), 1e-12 * Math.abs(expectedLow), "low " + g);
            assertEquals(expectedHigh, r.max(g), 1e-12 * Math.abs(expectedHigh), "high " + g);
        }
    }

    private static double mean(double[][] v, int g) {
        double sum = 0;
        for (double[] row : v) {
            sum += row[g];
        }
        return sum / v.length;
    }

    private static double max(double[][] v, int g) {
        return Arrays.stream(v).mapToDouble(row -> row[g]).max().orElseThrow();
    }

    private static double min(double[][] v, int g) {
        return Arrays.stream(v).mapToDouble(row -> row[g]).min().orElseThrow();
    }
}
