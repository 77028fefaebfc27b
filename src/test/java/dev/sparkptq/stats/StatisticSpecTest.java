package dev.sparkptq.stats;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatisticSpecTest {

    @Test
    void sortsByTensorThenStatAxisAggregationAndClipping() {
        List<StatisticSpec> expected = List.of(
                new StatisticSpec("a", PerSampleStat.MIN, -1, Aggregation.MEAN, null),
                new StatisticSpec("a", PerSampleStat.MAX, -1, Aggregation.MIN, null),
                new StatisticSpec("a", PerSampleStat.MAX, 1, Aggregation.MIN, null),
                new StatisticSpec("a", PerSampleStat.MAX, 1, Aggregation.MAX, null),
                new StatisticSpec("a", PerSampleStat.MAX, 1, Aggregation.MAX, -3.0),
                new StatisticSpec("a", PerSampleStat.MAX, 1, Aggregation.MAX, 6.0),
                new StatisticSpec("a", PerSampleStat.ABS_MAX, -1, Aggregation.MIN, null),
                new StatisticSpec("b", PerSampleStat.MIN, -1, Aggregation.MIN, null));
        List<StatisticSpec> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(1));
        Collections.sort(shuffled);
        assertEquals(expected, shuffled);
    }

    @Test
    void rejectsBatchAxisNegativeAxesAndNonFiniteClipping() {
        assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("t", PerSampleStat.MIN, 0, Aggregation.MIN, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("t", PerSampleStat.MIN, -2, Aggregation.MIN, null));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("t", PerSampleStat.MIN, 1, Aggregation.MIN, Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("", PerSampleStat.MIN, 1, Aggregation.MIN, null));
    }

    @Test
    void clippingCapsHighSideAndLiftsLowSide() {
        PerSampleStat.Side high = PerSampleStat.MAX.side(Double.NaN);
        PerSampleStat.Side low = PerSampleStat.MIN.side(Double.NaN);
        assertEquals(6.0, high.clip(7.5, 6.0));
        assertEquals(5.0, PerSampleStat.ABS_MAX.side(Double.NaN).clip(5.0, 6.0));
        assertEquals(0.0, low.clip(-2.0, 0.0));
        assertEquals(1.0, low.clip(1.0, 0.0));
        assertEquals(-2.0, low.clip(-2.0, Double.NaN));
        assertTrue(Double.isNaN(high.clip(Double.NaN, 6.0)));
    }

    @Test
    void aQuantileBelowOneHalfIsALowSideAndAbsQuantileAlwaysHigh() {
        assertEquals(PerSampleStat.Side.LOW, PerSampleStat.QUANTILE.side(1e-4));
        assertEquals(PerSampleStat.Side.HIGH, PerSampleStat.QUANTILE.side(0.9999));
        assertEquals(PerSampleStat.Side.HIGH, PerSampleStat.QUANTILE.side(0.5));
        assertEquals(PerSampleStat.Side.HIGH, PerSampleStat.ABS_QUANTILE.side(1e-4));
        StatisticSpec lowQuantile = new StatisticSpec("t", PerSampleStat.QUANTILE, -1, Aggregation.MEAN, 0.0, 1e-4);
        assertEquals(PerSampleStat.Side.LOW, lowQuantile.side());
        assertEquals(0.0, StatAccumulatorContractTest.roundTripUnchecked(lowQuantile).clippingValue());
    }

    @Test
    void quantileStatisticsNeedAProbabilityInZeroOneAndTheOthersRejectOne() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("t", PerSampleStat.QUANTILE, -1, Aggregation.MEAN, null));
        assertTrue(missing.getMessage().contains("needs a quantile probability"), missing.getMessage());
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("t", PerSampleStat.MAX, -1, Aggregation.MEAN, null, 0.5));
        assertTrue(extra.getMessage().contains("takes no probability"), extra.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("t", PerSampleStat.ABS_QUANTILE, -1, Aggregation.MEAN, null, 1.5));
        assertThrows(IllegalArgumentException.class,
                () -> new StatisticSpec("t", PerSampleStat.ABS_QUANTILE, -1, Aggregation.MEAN, null, Double.NaN));
    }

    @Test
    void probabilitySortsRightAfterTheStatisticSoSharedReductionsStayAdjacent() {
        List<StatisticSpec> expected = List.of(
                new StatisticSpec("a", PerSampleStat.MAX, 1, Aggregation.MAX, null),
                new StatisticSpec("a", PerSampleStat.QUANTILE, 1, Aggregation.MIN, null, 1e-4),
                new StatisticSpec("a", PerSampleStat.QUANTILE, 1, Aggregation.HL_ESTIMATOR, null, 1e-4),
                new StatisticSpec("a", PerSampleStat.QUANTILE, -1, Aggregation.MEAN, null, 0.9999),
                new StatisticSpec("a", PerSampleStat.QUANTILE, 1, Aggregation.MEDIAN, null, 0.9999),
                new StatisticSpec("a", PerSampleStat.ABS_QUANTILE, -1, Aggregation.MEAN, null, 0.999));
        List<StatisticSpec> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(2));
        Collections.sort(shuffled);
        assertEquals(expected, shuffled);
    }
}
