package dev.sparkptq.aaq;

import dev.sparkptq.accuracy.Drop;
import dev.sparkptq.accuracy.Metric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * POT's ranking subset: the samples where the base quantization hurts most — by per-sample metric difference
 * (FP32 − quantized, signed by the metric's direction), or by output distance when the metric has no per-sample
 * value. Ties go to the earlier sample; the chosen indices are returned in sample order.
 */
final class RankingSubset {
    /** POT's default subset size cap. */
    static final int DEFAULT_SIZE = 300;

    private RankingSubset() {
    }

    static List<Integer> select(Evaluated base, Metric metric, int metricIndex, Integer size) {
        int n = base.distance().length;
        int k = Math.min(n, size == null ? DEFAULT_SIZE : size);
        double[] badness = new double[n];
        for (int i = 0; i < n; i++) {
            double v = metric.hasPerSampleValues() ? Drop.absolute(base.fp32PerSample()[metricIndex][i],
                    base.candidatePerSample()[metricIndex][i], metric.higherBetter()) : base.distance()[i];
            badness[i] = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -badness[i]).thenComparingInt(i -> i));
        List<Integer> chosen = new ArrayList<>(order.subList(0, k));
        chosen.sort(Integer::compare);
        return chosen;
    }
}
