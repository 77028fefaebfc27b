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
        assertEquals(6.0, PerSampleStat.MAX.clip(7.5, 6.0));
        assertEquals(5.0, PerSampleStat.ABS_MAX.clip(5.0, 6.0));
        assertEquals(0.0, PerSampleStat.MIN.clip(-2.0, 0.0));
        assertEquals(1.0, PerSampleStat.MIN.clip(1.0, 0.0));
        assertEquals(-2.0, PerSampleStat.MIN.clip(-2.0, Double.NaN));
        assertTrue(Double.isNaN(PerSampleStat.MAX.clip(Double.NaN, 6.0)));
    }
}
