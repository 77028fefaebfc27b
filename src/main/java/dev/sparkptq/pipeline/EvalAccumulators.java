package dev.sparkptq.pipeline;

import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.accuracy.MetricAccumulator;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Mergeable metric state of the FP32 model and of the candidate (metric name → accumulator). */
public final class EvalAccumulators implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, MetricAccumulator> fp32 = new TreeMap<>();
    private final TreeMap<String, MetricAccumulator> candidate = new TreeMap<>();
    private long samples;

    public static EvalAccumulators empty(List<Metric> metrics) {
        EvalAccumulators a = new EvalAccumulators();
        for (Metric m : metrics) {
            a.fp32.put(m.name(), m.newAccumulator());
            a.candidate.put(m.name(), m.newAccumulator());
        }
        return a;
    }

    void add(List<Metric> metrics, EvalSample reference, EvalSample evaluated) {
        for (Metric m : metrics) {
            fp32.get(m.name()).add(m.perSample(reference));
            candidate.get(m.name()).add(m.perSample(evaluated));
        }
        samples++;
    }

    /** Merges {@code other} into this (partition order is the caller's business). */
    public EvalAccumulators merge(EvalAccumulators other) {
        other.fp32.forEach((k, v) -> fp32.merge(k, v, (a, b) -> { a.merge(b); return a; }));
        other.candidate.forEach((k, v) -> candidate.merge(k, v, (a, b) -> { a.merge(b); return a; }));
        samples += other.samples;
        return this;
    }

    public EvaluationResult result() {
        return new EvaluationResult(values(fp32), values(candidate), samples);
    }

    private static Map<String, Double> values(Map<String, MetricAccumulator> m) {
        Map<String, Double> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }
}
