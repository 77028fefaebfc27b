package dev.sparkptq.aaq;

import dev.sparkptq.accuracy.EvaluationAccumulator;

import java.io.Serializable;

/**
 * What one task returns: the metric state of the FP32 model and of one candidate over one shard of samples, plus
 * per-sample values (in shard order) for picking the ranking subset. A plain class (Kryo cannot ship records).
 */
final class ShardResult implements Serializable {
    private static final long serialVersionUID = 1L;

    final EvaluationAccumulator fp32;
    final EvaluationAccumulator candidate;
    /** [metric][sample]; NaN for a sample skipped in annotation-free mode. */
    final double[][] fp32PerSample;
    final double[][] candidatePerSample;
    /** output distance of each sample (first model output). */
    final double[] distance;

    ShardResult(EvaluationAccumulator fp32, EvaluationAccumulator candidate, double[][] fp32PerSample,
                double[][] candidatePerSample, double[] distance) {
        this.fp32 = fp32;
        this.candidate = candidate;
        this.fp32PerSample = fp32PerSample;
        this.candidatePerSample = candidatePerSample;
        this.distance = distance;
    }
}
