package dev.sparkptq.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeAxisTest {
    @Test
    void similarRangesGetALinearAxisFromTheLowestToTheHighestValue() {
        RangeAxis a = RangeAxis.fit(List.of(new double[]{-0.5, 6}, new double[]{0, 2}));
        assertEquals(RangeAxis.Scale.LINEAR, a.scale());
        assertEquals(0, a.fraction(-0.5), 1e-12);
        assertEquals(1, a.fraction(6), 1e-12);
        assertEquals(0.5 / 6.5, a.fraction(0), 1e-12);
        // span 6.5 / 5 = 1.3 -> step 2; -0.5 is above -2, so no negative tick
        assertEquals(List.of(0.0, 2.0, 4.0, 6.0), a.ticks());
    }

    @Test
    void widelyDifferentRangesGetASymmetricLogAxis() {
        // extents 0.08 and 250: linear zone 0.01 (the smaller extent floored to a power of ten)
        RangeAxis a = RangeAxis.fit(List.of(new double[]{-0.08, 0.08}, new double[]{-0.2, 250}));
        assertEquals(RangeAxis.Scale.SYMLOG, a.scale());
        assertEquals(0.01, a.linearZone(), 1e-15);
        double lo = -Math.log10(1 + 0.2 / 0.01);
        double hi = Math.log10(1 + 250 / 0.01);
        double at = Math.log10(1 + 0.08 / 0.01);
        assertEquals((at - lo) / (hi - lo), a.fraction(0.08), 1e-12);
        assertEquals((-lo) / (hi - lo), a.fraction(0), 1e-12);
        assertEquals(List.of(-0.1, 0.0, 0.1, 1.0, 10.0, 100.0), a.ticks().stream()
                .map(t -> Math.round(t * 1e6) / 1e6).toList());
    }

    @Test
    void degenerateAndNonFiniteRangesStillGiveAnAxisThroughZero() {
        RangeAxis zero = RangeAxis.fit(List.of(new double[]{0, 0}, new double[]{Double.NaN, 1}));
        assertEquals(0.5, zero.fraction(0), 1e-12);
        RangeAxis constant = RangeAxis.fit(List.of(new double[]{3, 3}));
        assertEquals(0, constant.fraction(0), 1e-12);
        assertEquals(1, constant.fraction(3), 1e-12);
        assertTrue(constant.fraction(99) <= 1 && constant.fraction(-99) >= 0);
    }

    @Test
    void visibleTickLabelsNeverCrowd() {
        RangeAxis a = RangeAxis.fit(List.of(new double[]{-1e-6, 1e-6}, new double[]{-3e4, 3e4}));
        List<Double> kept = SvgRangeRows.visibleTicks(a);
        assertTrue(kept.contains(0.0));
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(a.fraction(kept.get(i)) - a.fraction(kept.get(i - 1)) >= 38.0 / 420 - 1e-9, kept.toString());
        }
    }
}
