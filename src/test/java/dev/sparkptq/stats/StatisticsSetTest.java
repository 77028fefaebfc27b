package dev.sparkptq.stats;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatisticsSetTest {

    private static final StatisticSpec CONV_MIN = new StatisticSpec("conv", PerSampleStat.MIN, -1, Aggregation.MIN,
            null);
    private static final StatisticSpec CONV_ABS_MEAN = new StatisticSpec("conv", PerSampleStat.ABS_MAX, -1,
            Aggregation.MEAN, null);
    private static final StatisticSpec CONV_ABS_MAX = new StatisticSpec("conv", PerSampleStat.ABS_MAX, -1,
            Aggregation.MAX, null);
    private static final StatisticSpec CONV_CH_MAX = new StatisticSpec("conv", PerSampleStat.MAX, 1,
            Aggregation.MAX, 2.0);
    private static final StatisticSpec RELU_MEAN_MAX = new StatisticSpec("relu", PerSampleStat.MAX, 1,
            Aggregation.MEAN, null);
    private static final StatisticSpec CONV_CH_LOW_QUANTILE_MEDIAN = new StatisticSpec("conv", PerSampleStat.QUANTILE,
            1, Aggregation.MEDIAN, null, 0.01);
    private static final StatisticSpec CONV_CH_LOW_QUANTILE_HL = new StatisticSpec("conv", PerSampleStat.QUANTILE,
            1, Aggregation.HL_ESTIMATOR, -1.0, 0.01);
    private static final StatisticSpec CONV_HIGH_QUANTILE = new StatisticSpec("conv", PerSampleStat.QUANTILE, -1,
            Aggregation.MEAN_NO_OUTLIERS, null, 0.99);
    private static final StatisticSpec RELU_ABS_QUANTILE = new StatisticSpec("relu", PerSampleStat.ABS_QUANTILE, 1,
            Aggregation.MEDIAN_NO_OUTLIERS, null, 0.9);
    private static final List<StatisticSpec> SPECS = List.of(RELU_MEAN_MAX, CONV_ABS_MEAN, CONV_CH_MAX, CONV_MIN,
            CONV_ABS_MAX, CONV_MIN, CONV_CH_LOW_QUANTILE_MEDIAN, CONV_CH_LOW_QUANTILE_HL, CONV_HIGH_QUANTILE,
            RELU_ABS_QUANTILE);

    private static List<Map<String, Tensor>> batches(long seed, int count, boolean injectNaN) {
        Random rnd = new Random(seed);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int n = 1 + rnd.nextInt(3);
            float[] conv = new float[n * 3 * 4];
            float[] relu = new float[n * 2 * 2];
            for (int i = 0; i < conv.length; i++) {
                conv[i] = injectNaN && rnd.nextInt(20) == 0 ? Float.NaN : (float) rnd.nextGaussian();
            }
            for (int i = 0; i < relu.length; i++) {
                relu[i] = (float) Math.max(0, rnd.nextGaussian());
            }
            out.add(Map.of("conv", Tensor.ofFloats(new long[] {n, 3, 4}, conv),
                    "relu", Tensor.ofFloats(new long[] {n, 2, 2}, relu),
                    "unused", Tensor.ofFloats(new long[] {1}, new float[1])));
        }
        return out;
    }

    @Test
    void everySpecGetsTheSameResultAsItsOwnReductionAndAccumulator() {
        List<Map<String, Tensor>> data = batches(1, 12, true);
        StatisticsSet set = StatisticsSet.empty(SPECS);
        data.forEach(set::addBatch);
        SortedMap<StatisticSpec, StatResult> results = set.results();
        assertEquals(9, results.size(), "duplicate specs collapse");
        long samples = 0;
        long nonFinite = 0;
        for (StatisticSpec spec : results.keySet()) {
            StatAccumulator own = StatAccumulator.create(spec);
            for (Map<String, Tensor> batch : data) {
                Reduced r = PerSampleReducer.reduce(batch.get(spec.tensor()), spec.stat(), spec.probabilityOrNaN(),
                        spec.channelAxis());
                for (double[] row : r.values()) {
                    own.add(row);
                }
            }
            assertEquals(own.result(), results.get(spec), spec.toString());
        }
        for (Map<String, Tensor> batch : data) {
            samples += batch.get("conv").dim(0);
            nonFinite += PerSampleReducer.reduce(batch.get("conv"), PerSampleStat.MIN, -1).nonFinite();
        }
        assertEquals(samples, set.samples());
        assertTrue(nonFinite > 0);
        assertEquals(nonFinite, set.nonFiniteElements().get("conv"), "counted once although 4 specs read conv");
        assertEquals(0L, set.nonFiniteElements().get("relu"));
        assertEquals(List.of("conv", "relu"), new ArrayList<>(set.tensors()));
    }

    @Test
    void mergedPartitionsEqualOnePass() {
        List<Map<String, Tensor>> data = batches(2, 20, false);
        StatisticsSet whole = StatisticsSet.empty(SPECS);
        data.forEach(whole::addBatch);
        StatisticsSet a = StatisticsSet.empty(SPECS);
        StatisticsSet b = StatisticsSet.empty(SPECS);
        StatisticsSet c = StatisticsSet.empty(SPECS);
        for (int i = 0; i < data.size(); i++) {
            (i % 3 == 0 ? a : i % 3 == 1 ? b : c).addBatch(data.get(i));
        }
        c.merge(a);
        c.merge(StatisticsSet.empty(SPECS));
        c.merge(b);
        assertEquals(whole.samples(), c.samples());
        for (Map.Entry<StatisticSpec, StatResult> e : whole.results().entrySet()) {
            double[] expected = e.getValue().values();
            double[] actual = c.results().get(e.getKey()).values();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], Math.abs(expected[i]) * 1e-12, e.getKey().toString());
            }
        }
    }

    @Test
    void javaSerializationRoundTripKeepsResults() throws Exception {
        StatisticsSet set = StatisticsSet.empty(SPECS);
        batches(3, 4, true).forEach(set::addBatch);
        StatisticsSet copy = StatAccumulatorContractTest.roundTrip(set);
        assertEquals(set.results(), copy.results());
        assertEquals(set.samples(), copy.samples());
        assertEquals(set.nonFiniteElements(), copy.nonFiniteElements());
    }

    @Test
    void missingTensorIsAnInternalErrorNamingIt() {
        StatisticsSet set = StatisticsSet.empty(List.of(CONV_MIN, RELU_MEAN_MAX));
        Map<String, Tensor> batch = Map.of("conv", Tensor.ofFloats(new long[] {1, 2}, new float[2]));
        InternalException e = assertThrows(InternalException.class, () -> set.addBatch(batch));
        assertTrue(e.getMessage().contains("'relu'"), e.getMessage());
    }

    @Test
    void differingBatchSizesAreRejected() {
        StatisticsSet set = StatisticsSet.empty(List.of(CONV_MIN, RELU_MEAN_MAX));
        Map<String, Tensor> batch = Map.of("conv", Tensor.ofFloats(new long[] {1, 2}, new float[2]),
                "relu", Tensor.ofFloats(new long[] {2, 2}, new float[4]));
        assertThrows(InternalException.class, () -> set.addBatch(batch));
    }

    @Test
    void mergingSetsOfDifferentSpecsFails() {
        StatisticsSet a = StatisticsSet.empty(List.of(CONV_MIN));
        StatisticsSet b = StatisticsSet.empty(List.of(CONV_ABS_MAX));
        assertThrows(InternalException.class, () -> a.merge(b));
        StatisticsSet q1 = StatisticsSet.empty(List.of(CONV_HIGH_QUANTILE));
        StatisticsSet q2 = StatisticsSet.empty(List.of(new StatisticSpec("conv", PerSampleStat.QUANTILE, -1,
                Aggregation.MEAN_NO_OUTLIERS, null, 0.999)));
        InternalException e = assertThrows(InternalException.class, () -> q1.merge(q2));
        assertTrue(e.getMessage().contains("0.999"), e.getMessage());
    }

    @Test
    void requireCompleteListsTensorsThatSawOnlyNaN() {
        StatisticsSet set = StatisticsSet.empty(List.of(CONV_MIN, RELU_MEAN_MAX,
                new StatisticSpec("ok", PerSampleStat.MAX, -1, Aggregation.MAX, null)));
        float nan = Float.NaN;
        for (int i = 0; i < 3; i++) {
            set.addBatch(Map.of(
                    "conv", Tensor.ofFloats(new long[] {1, 2}, new float[] {nan, Float.NEGATIVE_INFINITY}),
                    "relu", Tensor.ofFloats(new long[] {1, 2, 1}, new float[] {1f, nan}),
                    "ok", Tensor.ofFloats(new long[] {1, 1}, new float[] {1f})));
        }
        DataException e = assertThrows(DataException.class, set::requireComplete);
        assertTrue(e.getMessage().contains("tensor conv produced only NaN/Inf on all 3 calibration samples"),
                e.getMessage());
        assertTrue(e.getMessage().contains("channels [1] (axis 1) of tensor relu"), e.getMessage());
        assertTrue(e.getMessage().endsWith("check the input data"), e.getMessage());
        assertTrue(!e.getMessage().contains("tensor ok"), e.getMessage());
    }

    @Test
    void requireCompleteRejectsNoSamplesAndAcceptsFiniteData() {
        StatisticsSet empty = StatisticsSet.empty(List.of(CONV_MIN));
        DataException e = assertThrows(DataException.class, empty::requireComplete);
        assertTrue(e.getMessage().contains("no calibration sample"), e.getMessage());
        StatisticsSet set = StatisticsSet.empty(SPECS);
        batches(4, 3, false).forEach(set::addBatch);
        assertDoesNotThrow(set::requireComplete);
        assertDoesNotThrow(StatisticsSet.empty(List.of())::requireComplete);
    }

    @Test
    void clippingIsAppliedPerSpec() {
        StatisticsSet set = StatisticsSet.empty(List.of(CONV_CH_MAX));
        set.addBatch(Map.of("conv", Tensor.ofFloats(new long[] {1, 3, 1}, new float[] {5f, 1f, -4f})));
        assertArrayEquals(new double[] {2.0, 1.0, -4.0}, set.results().get(CONV_CH_MAX).values());
    }
}
