package dev.sparkptq.stats;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grid histograms riding in the statistics pass: counted with the statistics, merged with them, shipped with them. */
class StatisticsSetHistogramsTest {
    private static final StatisticSpec X_MIN = new StatisticSpec("x", PerSampleStat.MIN, -1, Aggregation.MIN, null);
    private static final StatisticSpec X_MAX = new StatisticSpec("x", PerSampleStat.MAX, -1, Aggregation.MAX, null);
    private static final List<StatisticSpec> STATS = List.of(X_MIN, X_MAX);
    private static final List<HistogramSpec> GRIDS = List.of(
            HistogramSpec.grid("x", HistogramSpec.Domain.MAGNITUDES, 512),
            HistogramSpec.grid("y", HistogramSpec.Domain.VALUES, 512));

    private static List<Map<String, Tensor>> batches(long seed, int count) {
        Random rnd = new Random(seed);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] x = new float[2 * 5];
            float[] y = new float[2 * 3];
            double scale = 1 + b * 3;
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (scale * rnd.nextGaussian());
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) Math.max(0, rnd.nextGaussian());
            }
            out.add(Map.of("x", Tensor.ofFloats(new long[] {2, 5}, x), "y", Tensor.ofFloats(new long[] {2, 3}, y)));
        }
        return out;
    }

    private static StatisticsSet filled(List<Map<String, Tensor>> batches) {
        StatisticsSet set = StatisticsSet.empty(STATS, GRIDS);
        batches.forEach(set::addBatch);
        return set;
    }

    @Test
    void histogramsAreCountedInTheSamePassAsTheStatistics() {
        List<Map<String, Tensor>> data = batches(1, 6);
        StatisticsSet set = filled(data);
        GridHistogramAccumulator x = new GridHistogramAccumulator(HistogramSpec.Domain.MAGNITUDES, 512);
        data.forEach(b -> x.add(b.get("x").floats()));
        assertEquals(x.result(), set.histograms().results().get("x"));
        assertEquals(60, set.histograms().results().get("x").total());
        assertEquals(12, set.samples());
        assertEquals(2, set.results().size());
    }

    @Test
    void fourPartitionsMergedIntoABackendsEmptyTotalEqualOnePass() {
        List<Map<String, Tensor>> data = batches(2, 8);
        StatisticsSet whole = filled(data);
        StatisticsSet total = StatisticsSet.empty(STATS, GRIDS); // what a backend starts from: the job's specs
        for (int p = 0; p < 4; p++) {
            total.merge(filled(data.subList(2 * p, 2 * p + 2)));
        }
        assertEquals(whole.results(), total.results());
        assertEquals(whole.histograms().results(), total.histograms().results());
    }

    @Test
    void gridHistogramsRoundTripThroughKryoAndKeepMerging() {
        StatisticsSet set = filled(batches(3, 4));
        StatisticsSet copy = KryoCompatibilityTest.kryoRoundTrip(set);
        assertEquals(set.histograms().results(), copy.histograms().results());
        copy.merge(set);
        assertEquals(2 * set.histograms().results().get("y").total(), copy.histograms().results().get("y").total());
    }

    @Test
    void aHistogramThatCountedNothingFiniteFailsTheCompletenessCheck() {
        StatisticsSet set = StatisticsSet.empty(STATS, GRIDS);
        set.addBatch(Map.of("x", Tensor.ofFloats(new long[] {1, 2}, new float[] {1f, -2f}),
                "y", Tensor.ofFloats(new long[] {1, 2}, new float[] {Float.NaN, Float.NaN})));
        DataException e = assertThrows(DataException.class, set::requireComplete);
        assertTrue(e.getMessage().contains("[y]"), e.getMessage());
    }

    @Test
    void unionHoldsGridAndFixedHistogramsTogether() {
        HistogramSet grid = HistogramSet.empty(List.of(GRIDS.get(0)));
        HistogramSet fixed = HistogramSet.empty(List.of(new HistogramSpec("z", HistogramSpec.Domain.VALUES, -1, 1, 4)));
        grid.addBatch(Map.of("x", Tensor.ofFloats(new long[] {1, 2}, new float[] {1f, -2f})));
        fixed.addBatch(Map.of("z", Tensor.ofFloats(new long[] {1, 1}, new float[] {0.5f})));
        HistogramSet both = grid.union(fixed);
        assertEquals(List.of("x", "z"), List.copyOf(both.tensors()));
        assertEquals(grid.results().get("x"), both.results().get("x"));
        assertEquals(fixed.results().get("z"), both.results().get("z"));
    }
}
