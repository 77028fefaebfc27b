package dev.sparkptq.aaq;

import dev.sparkptq.accuracy.EvaluationAccumulator;
import dev.sparkptq.accuracy.MetricValues;

import java.util.List;

/**
 * One candidate evaluated over all shards, merged in shard order.
 *
 * @param fp32                the FP32 model's metric values on the same samples
 * @param candidate           the candidate's
 * @param fp32PerSample       [metric][sample], samples in the order of the shards
 * @param candidatePerSample  likewise for the candidate
 * @param distance            output distance per sample
 */
record Evaluated(MetricValues fp32, MetricValues candidate, long samples, double[][] fp32PerSample,
                 double[][] candidatePerSample, double[] distance) {

    /** Merges the shard results of one candidate (shards in order). */
    static Evaluated merge(List<ShardResult> shards) {
        EvaluationAccumulator f = shards.get(0).fp32;
        EvaluationAccumulator c = shards.get(0).candidate;
        for (ShardResult s : shards.subList(1, shards.size())) {
            f.merge(s.fp32);
            c.merge(s.candidate);
        }
        int metrics = shards.get(0).fp32PerSample.length;
        int n = shards.stream().mapToInt(s -> s.distance.length).sum();
        double[][] fs = new double[metrics][n];
        double[][] cs = new double[metrics][n];
        double[] d = new double[n];
        int at = 0;
        for (ShardResult s : shards) {
            for (int m = 0; m < metrics; m++) {
                System.arraycopy(s.fp32PerSample[m], 0, fs[m], at, s.distance.length);
                System.arraycopy(s.candidatePerSample[m], 0, cs[m], at, s.distance.length);
            }
            System.arraycopy(s.distance, 0, d, at, s.distance.length);
            at += s.distance.length;
        }
        return new Evaluated(f.values(), c.values(), c.count(), fs, cs, d);
    }
}
