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
        if (!fillTail(data, from, to, abs, heap, upper)) {
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

    /**
     * Fills {@code heap} with the {@code heap.length} most extreme values — the largest when {@code upper} (a
     * min-heap: its root is the smallest value kept), else the smallest (a max-heap); false as soon as a non-finite
     * value is met.
     */
    private static boolean fillTail(float[] data, int from, int to, boolean abs, float[] heap, boolean upper) {
        int t = heap.length;
        for (int i = 0; i < t; i++) {
            float v = data[from + i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                return false;
            }
            heap[i] = abs ? Math.abs(v) : v;
        }
        for (int i = t / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, upper);
        }
        float root = heap[0];
        for (int i = from + t; i < to; i++) {
            float v = data[i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                return false;
            }
            float x = abs ? Math.abs(v) : v;
            if (upper ? x > root : x < root) {
                heap[0] = x;
                siftDown(heap, 0, upper);
                root = heap[0];
            }
        }
        return true;
    }

    /** Restores the heap below {@code i}: a min-heap when {@code upper}, else a max-heap. */
    private static void siftDown(float[] h, int i, boolean upper) {
        int n = h.length;
        float x = h[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && (upper ? h[c + 1] < h[c] : h[c + 1] > h[c])) {
                c++;
            }
            if (!(upper ? h[c] < x : h[c] > x)) {
                break;
            }
            h[i] = h[c];
            i = c;
        }
        h[i] = x;
    }
}
