package dev.sparkptq.stats;

/**
 * Pure order statistics over a sorted {@code double[]}: numpy's linear quantile, numpy's median, POT's
 * "no outliers" band and POT's Hodges–Lehmann estimator. Inputs are sorted ascending and finite; nothing here
 * allocates more than O(1) besides what the caller passes, and every result depends only on the sorted values (so a
 * sorted multiset always gives the same bits, whatever order its values arrived in).
 */
final class OrderStatistics {
    /** POT's {@code alpha} in {@code no_outliers_estimator}: the band keeps quantiles 0.01 to 0.99. */
    static final double OUTLIER_ALPHA = 0.01;

    private OrderStatistics() {
    }

    /**
     * numpy's {@code _lerp}: {@code a + (b - a) t}, computed from the upper end as {@code b - (b - a)(1 - t)} when
     * {@code t >= 0.5} (numpy does this so that {@code t = 1} gives exactly {@code b}).
     */
    static double interpolate(double a, double b, double t) {
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /** numpy's virtual index of the "linear" method: {@code (n - 1) q}. */
    static double virtualIndex(int n, double q) {
        return (n - 1) * q;
    }

    /**
     * {@code numpy.quantile(x, q)} (method "linear") of {@code sorted[from..to)}, non-empty.
     */
    static double quantile(double[] sorted, int from, int to, double q) {
        int n = to - from;
        double h = virtualIndex(n, q);
        if (h >= n - 1) {
            return sorted[to - 1];
        }
        int lo = (int) Math.floor(h);
        return interpolate(sorted[from + lo], sorted[from + lo + 1], h - lo);
    }

    /** {@code numpy.median} of {@code sorted[from..to)}, non-empty: the middle value or the mean of the two. */
    static double median(double[] sorted, int from, int to) {
        int n = to - from;
        int mid = from + n / 2;
        return n % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Mean of {@code sorted[from..to)}, non-empty, summed in index order with Neumaier compensation. */
    static double mean(double[] sorted, int from, int to) {
        double sum = 0;
        double compensation = 0;
        for (int i = from; i < to; i++) {
            double v = sorted[i];
            double t = sum + v;
            compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        return (sum + compensation) / (to - from);
    }

    /**
     * POT's outlier band: the index range {@code [from, to)} of the values {@code v} with
     * {@code quantile(0.01) <= v <= quantile(0.99)}. With two distinct values the band is empty (both lie strictly
     * inside their interpolation interval); the whole range is returned then, so that the estimator stays defined.
     */
    static int[] noOutliersBand(double[] sorted, int n) {
        double low = quantile(sorted, 0, n, OUTLIER_ALPHA);
        double high = quantile(sorted, 0, n, 1 - OUTLIER_ALPHA);
        int from = firstAtLeast(sorted, n, low);
        int to = firstAbove(sorted, n, high);
        return from < to ? new int[] {from, to} : new int[] {0, n};
    }

    private static int firstAtLeast(double[] a, int n, double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (a[m] < v) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    private static int firstAbove(double[] a, int n, double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (a[m] <= v) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    /**
     * POT's Hodges–Lehmann estimator of {@code sorted[0..n)}: {@code 0.5 * numpy.median(x_i + x_j)} over the
     * {@code N = n(n-1)/2} pairs {@code i < j}; for {@code n = 1} the single value.
     *
     * <p>The k-th smallest pair sum is found without listing the pairs: for a candidate {@code t}, the pairs with
     * {@code x_i + x_j <= t} are counted in O(n) with two pointers (floating-point addition is monotone, so for a
     * fixed {@code i} the qualifying {@code j} form a prefix), and a binary search over the ordered bit patterns of
     * doubles finds the smallest {@code t} reaching the count k — which is itself a pair sum. At most 64 steps, so
     * O(64 n) instead of O(n²) memory and time.
     */
    static double hodgesLehmann(double[] sorted, int n) {
        if (n == 1) {
            return sorted[0];
        }
        long pairs = (long) n * (n - 1) / 2;
        long mid = pairs / 2;
        double median = pairs % 2 == 1 ? kthPairSum(sorted, n, mid + 1)
                : (kthPairSum(sorted, n, mid) + kthPairSum(sorted, n, mid + 1)) / 2;
        return 0.5 * median + 0.0;
    }

    /** The k-th smallest (1-based) of the sums {@code x_i + x_j}, {@code i < j}. */
    static double kthPairSum(double[] x, int n, long k) {
        long lo = orderKey(x[0] + x[1]);
        long hi = orderKey(x[n - 2] + x[n - 1]);
        while (lo < hi) {
            long m = (lo & hi) + ((lo ^ hi) >> 1); // floor((lo + hi) / 2) without overflow
            if (pairsAtMost(x, n, fromOrderKey(m)) >= k) {
                hi = m;
            } else {
                lo = m + 1;
            }
        }
        return fromOrderKey(lo);
    }

    /** How many pairs {@code i < j} have {@code x_i + x_j <= t}. */
    static long pairsAtMost(double[] x, int n, double t) {
        long count = 0;
        int j = n - 1;
        for (int i = 0; i < n; i++) {
            while (j > i && x[i] + x[j] > t) {
                j--;
            }
            if (j <= i) {
                break;
            }
            count += j - i;
        }
        return count;
    }

    /** A long whose signed order is the numeric order of finite doubles (-0.0 just below +0.0). */
    static long orderKey(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    static double fromOrderKey(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
    }

    /** Applies a distribution aggregator to {@code sorted[0..n)}, non-empty. */
    static double aggregate(Aggregation kind, double[] sorted, int n) {
        return switch (kind) {
            case MEDIAN -> median(sorted, 0, n);
            case MEAN_NO_OUTLIERS -> {
                int[] band = noOutliersBand(sorted, n);
                yield mean(sorted, band[0], band[1]);
            }
            case MEDIAN_NO_OUTLIERS -> {
                int[] band = noOutliersBand(sorted, n);
                yield median(sorted, band[0], band[1]);
            }
            case HL_ESTIMATOR -> hodgesLehmann(sorted, n);
            case MIN, MAX, MEAN -> throw new IllegalArgumentException(kind + " is not a distribution aggregator");
        };
    }
}
