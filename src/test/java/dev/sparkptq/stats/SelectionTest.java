package dev.sparkptq.stats;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionTest {

    /** Inputs that break naive quickselects: sorted, reversed, all equal, two values, organ pipe, random. */
    private static float[] input(int kind, int n, Random rnd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (kind) {
                case 0 -> i;
                case 1 -> n - i;
                case 2 -> 4f;
                case 3 -> rnd.nextBoolean() ? 0f : 1f;
                case 4 -> Math.min(i, n - i);
                default -> (float) rnd.nextGaussian();
            };
        }
        return a;
    }

    @Test
    void selectFindsTheOrderStatisticAndPartitionsAroundIt() {
        Random rnd = new Random(3);
        for (int kind = 0; kind < 6; kind++) {
            for (int n : new int[] {1, 2, 3, 10, 101, 1000}) {
                float[] a = input(kind, n, rnd);
                float[] s = a.clone();
                Arrays.sort(s);
                for (int k : new int[] {0, n / 3, n / 2, n - 1}) {
                    float[] work = a.clone();
                    float v = Selection.select(work, 0, n, k);
                    assertEquals(s[k], v, 0f, "kind " + kind + " n " + n + " k " + k);
                    for (int i = 0; i < n; i++) {
                        assertTrue(i < k ? work[i] <= v : i > k ? work[i] >= v : work[i] == v);
                    }
                    float[] sortedWork = work.clone();
                    Arrays.sort(sortedWork);
                    assertTrue(Arrays.equals(s, sortedWork), "selection only permutes");
                }
            }
        }
    }

    @Test
    void selectWorksOnASubRangeWithAbsoluteIndex() {
        float[] a = {9, 9, 5, 1, 4, 2, 3, 9, 9};
        assertEquals(3f, Selection.select(a, 2, 7, 4), 0f);
        assertEquals(9f, a[0], 0f);
        assertEquals(9f, a[8], 0f);
    }

    @Test
    void quantileMatchesTheSortBasedNumpyRule() {
        Random rnd = new Random(8);
        for (int kind = 0; kind < 6; kind++) {
            for (int n : new int[] {1, 2, 7, 500, 10_001}) {
                float[] a = input(kind, n, rnd);
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = a[i];
                }
                for (double q : new double[] {0, 1e-4, 0.01, 0.5, 0.73, 0.9999, 1}) {
                    assertEquals(OrderStatisticsTest.referenceQuantile(d, q), Selection.quantile(a.clone(), 0, n, q),
                            0.0, "kind " + kind + " n " + n + " q " + q);
                }
            }
        }
    }
}
