package dev.sparkptq.pipeline;

import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.accuracy.Metrics;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Batches;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The per-partition work, identical for every backend: load samples, run the model, reduce each sample right away
 * into mergeable accumulators (nothing keeps activations beyond one batch).
 */
public final class PartitionWorker {
    private PartitionWorker() {
    }

    /**
     * Statistics of one partition (pass 1), with the job's histograms counted in the same pass. The engine comes
     * from the factory's per-JVM cache.
     */
    public static StatisticsSet collect(StatisticsJob job, Iterator<SampleRef> refs, EngineFactory factory) {
        StatisticsSet stats = StatisticsSet.empty(job.specs(), job.histograms());
        Set<String> wanted = new java.util.TreeSet<>(stats.tensors());
        wanted.addAll(stats.histograms().tensors());
        feed(job, refs, factory, wanted, stats::addBatch);
        return stats;
    }

    /**
     * Fixed-edge histograms of one partition (pass 2 of {@code edges: extremes}): every element of every sample
     * counted, nothing kept.
     */
    public static HistogramSet histograms(StatisticsJob job, Iterator<SampleRef> refs, EngineFactory factory) {
        HistogramSet histograms = HistogramSet.empty(job.histograms());
        feed(job, refs, factory, histograms.tensors(), histograms::addBatch);
        return histograms;
    }

    /** Loads, batches and runs the partition's samples, handing each batch's tensors to {@code sink}. */
    private static void feed(StatisticsJob job, Iterator<SampleRef> refs, EngineFactory factory, Set<String> wanted,
                             Consumer<Map<String, Tensor>> sink) {
        InferenceEngine engine = factory.open(job.model(), EngineOptions.forStatistics(job.threads()));
        List<Sample> batch = new ArrayList<>();
        while (refs.hasNext()) {
            Sample s = job.source().load(refs.next());
            if (!batch.isEmpty() && (batch.size() >= job.batchSize() || !Batches.sameShapes(batch.get(0), s))) {
                sink.accept(run(engine, job, wanted, batch));
                batch.clear();
            }
            batch.add(s);
        }
        if (!batch.isEmpty()) {
            sink.accept(run(engine, job, wanted, batch));
        }
    }

    private static Map<String, Tensor> run(InferenceEngine engine, StatisticsJob job, Set<String> wanted,
                                           List<Sample> batch) {
        Map<String, Tensor> inputs = Batches.concat(batch);
        // when every measured tensor is a graph input, the model need not run at all
        Map<String, Tensor> tensors = job.outputs().isEmpty() ? new HashMap<>()
                : new HashMap<>(engine.run(inputs, job.outputs()));
        for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
            if (wanted.contains(in.getKey())) {
                tensors.put(in.getKey(), in.getValue()); // graph inputs are measured from the sample itself
            }
        }
        return tensors;
    }

    /** Metric accumulators of one partition, for the FP32 model and for the candidate. */
    public static EvalAccumulators evaluate(EvaluationJob job, Iterator<SampleRef> refs, EngineFactory factory) {
        InferenceEngine fp32 = factory.open(job.fp32(), EngineOptions.forInference(job.threads()));
        InferenceEngine candidate = factory.open(job.candidate(), EngineOptions.forInference(job.threads()));
        List<Metric> metrics = new ArrayList<>();
        for (MetricSpec spec : job.metrics()) {
            metrics.add(Metrics.create(spec, fp32.outputs()));
        }
        List<String> outputs = fp32.outputs().stream().map(t -> t.name()).toList();
        EvalAccumulators acc = EvalAccumulators.empty(metrics);
        while (refs.hasNext()) {
            Sample s = job.source().load(refs.next());
            Map<String, Tensor> ref = engine(fp32, s, outputs);
            Map<String, Tensor> out = engine(candidate, s, outputs);
            acc.add(new EvalSample(s.id(), ref, ref, s.inputs(), s.label(), s.target(), null),
                    new EvalSample(s.id(), out, ref, s.inputs(), s.label(), s.target(), null));
        }
        return acc;
    }

    private static Map<String, Tensor> engine(InferenceEngine engine, Sample s, List<String> outputs) {
        return engine.run(s.inputs(), outputs);
    }
}
