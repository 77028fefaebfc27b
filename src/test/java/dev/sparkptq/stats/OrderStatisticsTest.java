package dev.sparkptq.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The order statistics against numpy (golden values printed by numpy 2.4 in float64) and against brute-force
 * references written the obvious way (full sorts, listed pairs, filtered lists).
 */
class OrderStatisticsTest {
    /** Eleven values; numpy results below. */
    static final double[] X = {0.5, -1.25, 3.0, 2.0, 7.5, -0.1, 4.4, 2.0, -3.3, 0.7, 9.1};

    static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    @ParameterizedTest(name = "q={0}")
    @CsvSource({"0.0, -3.3", "1e-4, -3.2979499999999997", "0.01, -3.0949999999999998", "0.3, 0.5", "0.5, 2.0",
            "0.99, 8.94", "0.9999, 9.0984", "1.0, 9.1"})
    void quantileMatchesNumpyLinear(double q, double numpy) {
        double[] s = sorted(X);
        assertEquals(numpy, OrderStatistics.quantile(s, 0, s.length, q), 0.0);
    }

    @Test
    void quantileOfFourValuesInterpolatesAsTheJavadocSays() {
        assertEquals(1.3, OrderStatistics.quantile(new double[] {1, 2, 3, 4}, 0, 4, 0.1), 1e-15);
    }

    @Test
    void medianNoOutliersAndHodgesLehmannMatchNumpyOnElevenAndTenValues() {
        double[] s = sorted(X);
        assertEquals(2.0, OrderStatistics.median(s, 0, 11), 0.0);
        assertEquals(2.0833333333333335, OrderStatistics.aggregate(Aggregation.MEAN_NO_OUTLIERS, s, 11), 0.0);
        assertEquals(2.0, OrderStatistics.aggregate(Aggregation.MEDIAN_NO_OUTLIERS, s, 11), 0.0);
        assertEquals(2.0, OrderStatistics.hodgesLehmann(s, 11), 0.0);
        double[] ten = sorted(Arrays.copyOf(X, 10));
        assertEquals(1.35, OrderStatistics.median(ten, 0, 10), 0.0);
        assertEquals(1.35, OrderStatistics.hodgesLehmann(ten, 10), 0.0);
    }

    /** 150 values rounded to 3 decimals (numpy default_rng(7) normal × 3), where the outlier band cuts both ends. */
    static final double[] Y = {0.004, 0.896, -0.822, -2.672, -1.364, -2.975, 0.18, 4.021, -1.477, -1.861, 1.47, 1.071,
        0.316, -2.791, -0.088, 2.086, -4.033, -1.373, -5.704, -3.869, -5.525, -0.705, -3.802, 0.814, 0.47, -0.561,
        -7.55, -1.616, -0.146, 0.34, -4.59, -1.433, -2.936, -2.427, 3.183, -2.423, -0.098, 2.653, -1.751, -0.335,
        0.331, 0.191, -3.675, 0.228, 4.076, -4.641, 2.578, 0.358, -1.924, 6.001, 2.287, -3.598, 0.224, 1.73, -0.566,
        2.049, -0.2, 2.002, 4.316, -2.027, 0.609, -1.39, 0.382, -3.562, -1.738, -0.589, 2.696, 3.436, -3.971, -2.384,
        1.941, -5.977, -1.39, -0.292, 3.771, 2.068, -0.982, -1.106, -0.751, 4.571, -1.284, -0.911, 1.058, -0.362,
        -0.592, -3.342, -0.035, -1.331, 3.498, 1.959, -0.072, 2.005, -1.02, 3.156, -0.016, 1.75, -3.873, 1.04,
        -5.065, -6.106, -0.913, -2.7, 0.492, 6.734, -2.495, -1.872, 0.616, 1.479, -0.529, -0.618, 2.107, 1.56,
        -3.101, -0.238, 0.106, -3.163, 0.78, -2.574, 2.916, 0.578, 0.268, -1.773, -0.356, -5.993, -3.394, 1.089,
        -6.386, 2.54, -5.238, 2.27, -2.536, 2.337, 0.393, -4.611, 3.747, 4.325, -0.197, -0.822, -0.48, -2.925,
        3.296, -1.629, -0.154, -2.38, -1.878, -3.833, 3.771, -0.462, 2.898, 0.04};

    @Test
    void robustAggregatorsMatchNumpyOnOneHundredFiftyValues() {
        double[] s = sorted(Y);
        assertEquals(-0.34550000000000003, OrderStatistics.aggregate(Aggregation.MEDIAN, s, s.length), 0.0);
        assertEquals(-0.4766506849315069, OrderStatistics.aggregate(Aggregation.MEAN_NO_OUTLIERS, s, s.length),
                1e-16);
        assertEquals(-0.34550000000000003, OrderStatistics.aggregate(Aggregation.MEDIAN_NO_OUTLIERS, s, s.length),
                0.0);
        assertEquals(-0.44100000000000006, OrderStatistics.aggregate(Aggregation.HL_ESTIMATOR, s, s.length), 0.0);
    }

    // ---- brute-force references ----

    /** numpy linear quantile, written from the formula: index (n-1)q, interpolate with numpy's two-sided lerp. */
    static double referenceQuantile(double[] v, double q) {
        double[] s = sorted(v);
        double h = (s.length - 1) * q;
        int lo = (int) h;
        if (lo >= s.length - 1) {
            return s[s.length - 1];
        }
        double t = h - lo;
        double d = s[lo + 1] - s[lo];
        return t < 0.5 ? s[lo] + d * t : s[lo + 1] - d * (1 - t);
    }

    static double referenceMedian(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Every pair i < j listed and sorted. */
    static double referenceHodgesLehmann(double[] v) {
        if (v.length == 1) {
            return v[0];
        }
        List<Double> sums = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < i; j++) {
                sums.add(v[i] + v[j]);
            }
        }
        return 0.5 * referenceMedian(sums);
    }

    static List<Double> referenceBand(double[] v) {
        double lo = referenceQuantile(v, 0.01);
        double hi = referenceQuantile(v, 0.99);
        List<Double> kept = new ArrayList<>();
        for (double x : v) {
            if (x >= lo && x <= hi) {
                kept.add(x);
            }
        }
        if (kept.isEmpty()) {
            for (double x : v) {
                kept.add(x);
            }
        }
        return kept;
    }

    static double referenceAggregate(Aggregation kind, double[] v) {
        List<Double> all = new ArrayList<>();
        for (double x : v) {
            all.add(x);
        }
        return switch (kind) {
            case MEDIAN -> referenceMedian(all);
            case MEAN_NO_OUTLIERS -> referenceBand(v).stream().mapToDouble(Double::doubleValue).sum()
                    / referenceBand(v).size();
            case MEDIAN_NO_OUTLIERS -> referenceMedian(referenceBand(v));
            case HL_ESTIMATOR -> referenceHodgesLehmann(v);
            case MIN, MAX, MEAN -> throw new IllegalArgumentException(kind.name());
        };
    }

    /** Random values: a few sizes, with duplicates, negatives and a coarse grid (many ties) in every third case. */
    static double[] randomValues(Random rnd, int n) {
        double[] v = new double[n];
        boolean coarse = rnd.nextInt(3) == 0;
        for (int i = 0; i < n; i++) {
            v[i] = coarse ? rnd.nextInt(7) - 3 : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2);
        }
        return v;
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 17, 100, 101, 257})
    void everyAggregatorMatchesItsBruteForceReference(int n) {
        Random rnd = new Random(n);
        for (int round = 0; round < 20; round++) {
            double[] v = randomValues(rnd, n);
            double[] s = sorted(v);
            for (Aggregation kind : new Aggregation[] {Aggregation.MEDIAN, Aggregation.MEDIAN_NO_OUTLIERS,
                Aggregation.HL_ESTIMATOR}) {
                assertEquals(referenceAggregate(kind, v), OrderStatistics.aggregate(kind, s, n), 0.0,
                        kind + " " + Arrays.toString(v));
            }
            double mean = referenceAggregate(Aggregation.MEAN_NO_OUTLIERS, v);
            assertEquals(mean, OrderStatistics.aggregate(Aggregation.MEAN_NO_OUTLIERS, s, n),
                    1e-13 * Arrays.stream(v).map(Math::abs).max().orElse(0), Arrays.toString(v));
            for (double q : new double[] {0, 1e-4, 0.01, 0.37, 0.5, 0.99, 0.9999, 1}) {
                assertEquals(referenceQuantile(v, q), OrderStatistics.quantile(s, 0, n, q), 0.0, "q " + q);
            }
        }
    }

    @Test
    void kthPairSumEnumeratesEveryRankOfASmallSet() {
        double[] s = sorted(new double[] {3, -1, 2, 2, 0.5, -4});
        List<Double> sums = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            for (int j = i + 1; j < s.length; j++) {
                sums.add(s[i] + s[j]);
            }
        }
        sums.sort(null);
        for (int k = 1; k <= sums.size(); k++) {
            assertEquals(sums.get(k - 1), OrderStatistics.kthPairSum(s, s.length, k), 0.0, "k " + k);
        }
    }

    @Test
    void twoDistinctValuesFallBackToTheWholeSampleInsteadOfAnEmptyBand() {
        double[] s = {1.0, 3.0};
        assertEquals(2.0, OrderStatistics.aggregate(Aggregation.MEAN_NO_OUTLIERS, s, 2), 0.0);
        assertEquals(2.0, OrderStatistics.aggregate(Aggregation.MEDIAN_NO_OUTLIERS, s, 2), 0.0);
        assertEquals(2.0, OrderStatistics.hodgesLehmann(s, 2), 0.0);
        assertEquals(5.0, OrderStatistics.hodgesLehmann(new double[] {5.0}, 1), 0.0);
    }

    @Test
    void signedZerosAndHugeMagnitudesStayOrdered() {
        assertEquals(0.0, OrderStatistics.hodgesLehmann(new double[] {-0.0, -0.0, 0.0}, 3), 0.0);
        assertEquals(Double.doubleToLongBits(0.0),
                Double.doubleToLongBits(OrderStatistics.hodgesLehmann(new double[] {-0.0, -0.0}, 2)));
        double[] huge = {-1e300, -1e-300, 1e-300, 1e300};
        assertEquals(referenceHodgesLehmann(huge), OrderStatistics.hodgesLehmann(huge, 4), 0.0);
        for (double d : new double[] {-1e300, -1.5, -0.0, 0.0, 2e-308, 7.25, 1e300}) {
            assertEquals(d, OrderStatistics.fromOrderKey(OrderStatistics.orderKey(d)), 0.0);
        }
        assertEquals(-1, Long.signum(OrderStatistics.orderKey(-0.0) - OrderStatistics.orderKey(0.0)));
        assertEquals(-1, Long.signum(OrderStatistics.orderKey(-2.0) - OrderStatistics.orderKey(-1.0)));
    }
}
