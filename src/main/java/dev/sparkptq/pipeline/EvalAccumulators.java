package dev.sparkptq.pipeline;

import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.accuracy.EvaluationAccumulator;
import dev.sparkptq.accuracy.Metric;

import java.io.Serializable;
import java.util.List;

/** Mergeable metric state of one evaluation pass: the FP32 model's and the candidate's, over the same samples. */
public final class EvalAccumulators implements Serializable {
    private static final long serialVersionUID = 1L;

    private final EvaluationAccumulator fp32;
    private final EvaluationAccumulator candidate;

    private EvalAccumulators(List<Metric> metrics) {
        this.fp32 = EvaluationAccumulator.of(metrics);
        this.candidate = EvaluationAccumulator.of(metrics);
    }

    public static EvalAccumulators empty(List<Metric> metrics) {
        return new EvalAccumulators(metrics);
    }

    void add(EvalSample reference, EvalSample evaluated) {
        fp32.add(reference);
        candidate.add(evaluated);
    }

    /** Merges {@code other} into this (partition order is the caller's business). */
    public EvalAccumulators merge(EvalAccumulators other) {
        fp32.merge(other.fp32);
        candidate.merge(other.candidate);
        return this;
    }

    public EvaluationResult result() {
        return new EvaluationResult(fp32.values().values(), candidate.values().values(), fp32.count());
    }
}
