package dev.sparkptq.stats;

import java.util.Arrays;

/**
 * Quickselect on a {@code float[]} range holding no NaN: puts the k-th smallest value at index k, smaller-or-equal
 * values before it and greater-or-equal ones after it, in O(n) expected time and in place.
 *
 * <p>Pivot: median of three; partition: Hoare's, which stops on values equal to the pivot, so long runs of equal
 * values (a ReLU output is often half zeros) still split in the middle. As insurance against adversarial orders the
 * range is sorted once the loop has run {@code 2 log2(n) + 8} rounds (introselect), which caps the worst case at
 * O(n log n). The value found is the k-th order statistic, which is unique, so the result never depends on the
 * pivot choices.
 */
final class Selection {

    private Selection() {
    }

    /** Rearranges {@code a[from..to)} so that {@code a[k]} holds its k-th smallest value (k absolute) and returns it. */
    static float select(float[] a, int from, int to, int k) {
        int lo = from;
        int hi = to - 1;
        int budget = 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, to - from))) + 8;
        while (hi > lo) {
            if (budget-- == 0) {
                Arrays.sort(a, lo, hi + 1);
                return a[k];
            }
            float pivot = medianOfThree(a, lo, lo + ((hi - lo) >>> 1), hi);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // now a[lo..j] <= pivot <= a[i..hi], and everything strictly between j and i equals the pivot
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static float medianOfThree(float[] a, int i, int j, int k) {
        float x = a[i];
        float y = a[j];
        float z = a[k];
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }

    /** The smallest value of {@code a[from..to)}, non-empty. */
    static float min(float[] a, int from, int to) {
        float m = a[from];
        for (int i = from + 1; i < to; i++) {
            m = Math.min(m, a[i]);
        }
        return m;
    }

    /** The largest value of {@code a[from..to)}, non-empty. */
    static float max(float[] a, int from, int to) {
        float m = a[from];
        for (int i = from + 1; i < to; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }

    /**
     * numpy's linear {@code q}-quantile of {@code a[from..to)} (non-empty, no NaN), via one selection and one scan:
     * after selecting index {@code floor(h)}, the next order statistic is the minimum of the part above it.
     * Rearranges the range.
     */
    static double quantile(float[] a, int from, int to, double q) {
        int n = to - from;
        double h = OrderStatistics.virtualIndex(n, q);
        if (h >= n - 1) {
            return max(a, from, to);
        }
        int lo = (int) Math.floor(h);
        float below = select(a, from, to, from + lo);
        float above = min(a, from + lo + 1, to);
        return OrderStatistics.interpolate(below, above, h - lo);
    }
}
