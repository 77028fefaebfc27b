package dev.sparkptq.pipeline;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** Metric values of the FP32 and of the candidate model over the same samples. */
public record EvaluationResult(Map<String, Double> fp32, Map<String, Double> candidate, long samples)
        implements Serializable {
    public EvaluationResult {
        fp32 = new TreeMap<>(fp32);
        candidate = new TreeMap<>(candidate);
    }
}
