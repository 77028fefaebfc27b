package dev.sparkptq.pipeline;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The per-partition work of a {@link QuantNoiseJob}, identical for every backend: each sample runs through both
 * models one at a time (like evaluation) and is reduced right away into {@link QuantNoiseSums}.
 */
public final class QuantNoiseWorker {
    private QuantNoiseWorker() {
    }

    /** Noise sums of one partition. The engines come from the factory's per-JVM cache. */
    public static QuantNoiseSums measure(QuantNoiseJob job, Iterator<SampleRef> refs, EngineFactory factory) {
        InferenceEngine fp32 = factory.open(job.fp32(), EngineOptions.forInference(job.threads()));
        InferenceEngine quantized = factory.open(job.quantized(), EngineOptions.forInference(job.threads()));
        List<String> refOutputs = job.targets().stream().map(QuantNoise.Target::reference)
                .filter(t -> !job.graphInputs().contains(t)).distinct().toList();
        List<String> candOutputs = job.targets().stream().map(QuantNoise.Target::candidate).distinct().toList();
        QuantNoiseSums sums = new QuantNoiseSums();
        while (refs.hasNext()) {
            Sample s = job.source().load(refs.next());
            Map<String, Tensor> ref = new HashMap<>(fp32.run(s.inputs(), refOutputs));
            s.inputs().forEach((name, t) -> {
                if (job.graphInputs().contains(name)) {
                    ref.put(name, t);
                }
            });
            Map<String, Tensor> cand = quantized.run(s.inputs(), candOutputs);
            for (QuantNoise.Target t : job.targets()) {
                sums.add(t.key(), ref.get(t.reference()).toFloats(), cand.get(t.candidate()).toFloats());
            }
        }
        return sums;
    }
}
