package dev.sparkptq.stats;

import java.util.Arrays;

/**
 * numpy's linear quantile near an end of a {@code float[]} range in ONE sequential pass, for the small tails POT's
 * quantile estimators ask for ({@code outlier_prob} 1e-4 keeps a handful of values out of tens of thousands).
 *
 * <p>The quantile at virtual index {@code h = (n-1)q} needs the order statistics {@code floor(h)} and the one after
 * it. When they lie in a short tail — the top {@code t = n - floor(h)} values for {@code q ≥ 0.5}, the bottom
 * {@code t = floor(h) + 2} otherwise — a bounded heap of the {@code t} most extreme values, filled in one pass, holds
 * them exactly: most elements are rejected by one comparison with the heap's root, so the pass costs about as much as
 * a min/max scan, where quickselect moves every element several times. The multiset of the {@code t} most extreme
 * values is unique, so the result equals {@link Selection#quantile}'s bit for bit, ties included.
 *
 * <p>Returns NaN ("not applicable") when the tail is long (then quickselect is cheaper) or when the range holds a
 * NaN/±Inf (the quantile is over finite values only, so {@code n} would change); callers fall back to
 * {@link Selection#quantile} on a finite copy.
 */
final class TailSelection {
    /** Longest tail worth a heap; beyond it quickselect's O(n) beats O(n log t) replacements on unlucky orders. */
    static final int MAX_TAIL = 1024;

    private TailSelection() {
    }

    /**
     * The {@code q}-quantile of {@code data[from..to)} (of its absolute values when {@code abs}), or NaN when this
     * path does not apply (see the class comment). Does not modify {@code data}.
     */
    static double quantile(float[] data, int from, int to, boolean abs, double q) {
        int n = to - from;
        if (n <= 0) {
            return Double.NaN;
        }
        double h = OrderStatistics.virtualIndex(n, q);
        int lo = (int) Math.floor(Math.min(h, n - 1));
        boolean upper = q >= 0.5;
        int tail = upper ? n - lo : Math.min(n, lo + 2);
        if (tail > MAX_TAIL || (long) tail * 8 > n) {
            return Double.NaN;
        }
        float[] heap = new float[tail];
        boolean finite = upper ? largest(data, from, to, abs, heap) : smallest(data, from, to, abs, heap);
        if (!finite) {
            return Double.NaN;
        }
        Arrays.sort(heap);
        // heap (ascending) holds the order statistics [n - tail, n) when upper, [0, tail) otherwise
        int offset = upper ? n - tail : 0;
        if (h >= n - 1) {
            return heap[tail - 1];
        }
        return OrderStatistics.interpolate(heap[lo - offset], heap[lo + 1 - offset], h - lo);
    }

    /** Fills {@code heap} (a min-heap) with the largest values; false as soon as a non-finite value is met. */
    private static boolean largest(float[] data, int from, int to, boolean abs, float[] heap) {
        int t = heap.length;
        for (int i = 0; i < t; i++) {
            float v = data[from + i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                return false;
            }
            heap[i] = abs ? Math.abs(v) : v;
        }
        for (int i = t / 2 - 1; i >= 0; i--) {
            siftDownMin(heap, i);
        }
        float root = heap[0];
        for (int i = from + t; i < to; i++) {
            float v = data[i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                return false;
            }
            float x = abs ? Math.abs(v) : v;
            if (x > root) {
                heap[0] = x;
                siftDownMin(heap, 0);
                root = heap[0];
            }
        }
        return true;
    }

    /** Fills {@code heap} (a max-heap) with the smallest values; false as soon as a non-finite value is met. */
    private static boolean smallest(float[] data, int from, int to, boolean abs, float[] heap) {
        int t = heap.length;
        for (int i = 0; i < t; i++) {
            float v = data[from + i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                return false;
            }
            heap[i] = abs ? Math.abs(v) : v;
        }
        for (int i = t / 2 - 1; i >= 0; i--) {
            siftDownMax(heap, i);
        }
        float root = heap[0];
        for (int i = from + t; i < to; i++) {
            float v = data[i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                return false;
            }
            float x = abs ? Math.abs(v) : v;
            if (x < root) {
                heap[0] = x;
                siftDownMax(heap, 0);
                root = heap[0];
            }
        }
        return true;
    }

    private static void siftDownMin(float[] h, int i) {
        int n = h.length;
        float x = h[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && h[c + 1] < h[c]) {
                c++;
            }
            if (!(h[c] < x)) {
                break;
            }
            h[i] = h[c];
            i = c;
        }
        h[i] = x;
    }

    private static void siftDownMax(float[] h, int i) {
        int n = h.length;
        float x = h[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && h[c + 1] > h[c]) {
                c++;
            }
            if (!(h[c] > x)) {
                break;
            }
            h[i] = h[c];
            i = c;
        }
        h[i] = x;
    }
}
