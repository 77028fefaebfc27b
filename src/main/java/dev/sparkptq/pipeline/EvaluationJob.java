package dev.sparkptq.pipeline;

import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.runtime.ModelBlob;

import java.io.Serializable;
import java.util.List;

/**
 * One evaluation pass: the FP32 reference model and the candidate run on the same samples; metrics compare the
 * candidate to labels and/or to the FP32 outputs.
 */
public record EvaluationJob(ModelBlob fp32, ModelBlob candidate, List<MetricSpec> metrics, DataSource source,
                            int threads) implements Serializable {
    public EvaluationJob {
        metrics = List.copyOf(metrics);
    }
}
