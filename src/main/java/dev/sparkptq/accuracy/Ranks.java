package dev.sparkptq.accuracy;

import java.util.Arrays;
import java.util.Comparator;

/** Ranks with ties averaged, and Spearman's rank correlation built on them. */
final class Ranks {
    private Ranks() {
    }

    /**
     * 1-based ranks of {@code v}; equal values share the mean of the ranks they span (the "fractional" ranking
     * Spearman's coefficient needs when there are ties). Values must be finite.
     */
    static double[] average(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] ranks = new double[v.length];
        int start = 0;
        while (start < v.length) {
            int end = start + 1;
            while (end < v.length && v[order[end]] == v[order[start]]) {
                end++;
            }
            double rank = (start + 1 + end) / 2.0; // mean of start+1 .. end
            for (int k = start; k < end; k++) {
                ranks[order[k]] = rank;
            }
            start = end;
        }
        return ranks;
    }

    /**
     * Spearman's rho: Pearson's correlation of the average ranks of {@code x} and {@code y}. 0 when either side is
     * constant (or fewer than 2 pairs): no monotone relation can be seen, and NaN must not reach an aggregate.
     */
    static double spearman(double[] x, double[] y) {
        return pearson(average(x), average(y));
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        if (n < 2) {
            return 0;
        }
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) {
            return 0;
        }
        return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
    }
}
