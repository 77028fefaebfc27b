package dev.sparkptq.calibration;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HistogramWindowSearchTest {

    private static HistogramWindow exhaustive(int iMin, int iMax, int jMin, int jMax, int minWidth,
                                              HistogramWindowSearch.Objective f) {
        HistogramWindow best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int i = iMin; i <= iMax; i++) {
            for (int j = jMin; j <= jMax; j++) {
                if (j - i >= minWidth && f.at(i, j) < bestValue) {
                    bestValue = f.at(i, j);
                    best = new HistogramWindow(i, j);
                }
            }
        }
        return best;
    }

    @Test
    void coarseToFineFindsTheMinimumOfASmoothBowlOnALargeBox() {
        HistogramWindowSearch.Objective bowl = (i, j) -> Math.pow(i - 1234.3, 2) + 3 * Math.pow(j - 4321.7, 2)
                + 0.5 * (i - 1234.3) * (j - 4321.7);
        HistogramWindow found = HistogramWindowSearch.minimize(0, 3000, 3000, 6000, 1, 64, bowl);
        assertEquals(exhaustive(0, 3000, 3000, 6000, 1, bowl), found);
    }

    @Test
    void smallBoxesAreSearchedExhaustivelyAndTheWidthConstraintHolds() {
        HistogramWindowSearch.Objective wiggly = (i, j) -> Math.sin(i * 0.7) + Math.cos(j * 1.3) + 0.01 * (j - i);
        assertEquals(exhaustive(0, 40, 10, 90, 30, wiggly),
                HistogramWindowSearch.minimize(0, 40, 10, 90, 30, 128, wiggly));
        assertNull(HistogramWindowSearch.minimize(0, 5, 6, 10, 20, 128, wiggly), "no window is wide enough");
    }

    @Test
    void oneDimensionalSearchesFixTheLowEnd() {
        HistogramWindowSearch.Objective f = (i, j) -> Math.abs(j - 777.5);
        assertEquals(new HistogramWindow(0, 777), HistogramWindowSearch.minimize(0, 0, 128, 5000, 128, 100, f));
    }
}
