package dev.sparkptq.stats;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TailSelectionTest {

    /** numpy's linear quantile by sorting a copy: the reference, independent of heaps and quickselect. */
    private static double sortedReference(float[] a, boolean abs, double q) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = abs ? Math.abs(a[i]) : a[i];
        }
        Arrays.sort(s);
        double h = (s.length - 1) * q;
        int lo = (int) Math.floor(h);
        if (lo >= s.length - 1) {
            return s[s.length - 1];
        }
        return s[lo] + (s[lo + 1] - s[lo]) * (h - lo);
    }

    @ParameterizedTest(name = "n={0} q={1} abs={2} ties={3}")
    @CsvSource({
            "50000, 0.9999, false, false", "50000, 0.0001, false, false", "50000, 0.9999, true, false",
            "50000, 0.0001, true, false", "49153, 0.999, false, true", "49153, 0.001, false, true",
            "12345, 0.99, false, false", "8192, 1.0, false, false", "8192, 0.0, false, false",
            "100000, 0.99999, true, true", "1000, 0.995, false, true"})
    void equalsTheSortedReference(int n, double q, boolean abs, boolean ties) {
        Random r = new Random(n * 31L + (abs ? 1 : 0));
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = ties ? (float) Math.max(0, Math.round(r.nextGaussian() * 4)) : (float) (r.nextGaussian() * 3);
        }
        float[] before = a.clone();
        double got = TailSelection.quantile(a, 0, n, abs, q);
        assertTrue(!Double.isNaN(got), "a short tail must take the heap path");
        assertEquals(sortedReference(a, abs, q), got, Math.ulp((float) got));
        assertTrue(Arrays.equals(before, a), "the data is not modified");
    }

    @Test
    void worksOnASubrangeAndOnAscendingData() {
        float[] a = new float[20000];
        for (int i = 0; i < a.length; i++) {
            a[i] = i; // every element replaces the root: the worst order for the heap
        }
        float[] part = Arrays.copyOfRange(a, 1000, 19000);
        assertEquals(sortedReference(part, false, 0.9995), TailSelection.quantile(a, 1000, 19000, false, 0.9995),
                1e-3);
        assertEquals(sortedReference(part, false, 0.0005), TailSelection.quantile(a, 1000, 19000, false, 0.0005),
                1e-3);
    }

    @Test
    void declinesLongTailsAndNonFiniteValues() {
        float[] a = new float[10000];
        Random r = new Random(7);
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        assertTrue(Double.isNaN(TailSelection.quantile(a, 0, a.length, false, 0.5)), "median: tail too long");
        a[1234] = Float.NaN;
        assertTrue(Double.isNaN(TailSelection.quantile(a, 0, a.length, false, 0.9999)), "NaN: not applicable");
        a[1234] = Float.NEGATIVE_INFINITY;
        assertTrue(Double.isNaN(TailSelection.quantile(a, 0, a.length, true, 0.9999)), "Inf: not applicable");
    }
}
