package dev.sparkptq.api;

import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.accuracy.EvaluationAccumulator;
import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One slice of an evaluation: runs the model (and the reference model, when there is one, for metrics that compare
 * with FP32) on each sample and feeds the metrics' mergeable accumulators.
 *
 * @param reference the FP32 model the metrics compare with, or null to compare the model with itself
 */
record MetricTask(ModelBlob model, ModelBlob reference, DataSource source, List<Metric> metrics, int threads,
                  EngineFactory engines) implements SliceTask<EvaluationAccumulator> {
    MetricTask {
        metrics = List.copyOf(metrics);
    }

    @Override
    public EvaluationAccumulator apply(Iterator<SampleRef> slice) {
        InferenceEngine engine = engines.open(model, EngineOptions.forInference(threads));
        InferenceEngine fp32 = reference == null ? null : engines.open(reference, EngineOptions.forInference(threads));
        List<String> outputs = engine.outputs().stream().map(TensorInfo::name).toList();
        EvaluationAccumulator acc = EvaluationAccumulator.of(metrics);
        while (slice.hasNext()) {
            Sample s = source.load(slice.next());
            Map<String, Tensor> out = engine.run(s.inputs(), outputs);
            Map<String, Tensor> ref = fp32 == null ? out : fp32.run(s.inputs(), outputs);
            acc.add(new EvalSample(s.id(), out, ref, s.inputs(), s.label(), s.target(), null));
        }
        return acc;
    }
}
