package dev.sparkptq.algorithms.layerwise;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.GramAccumulator;
import dev.sparkptq.stats.GramSpec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One layer-wise tuning statistics pass: task {@code i} runs the FP32 model (layer inputs exposed) and, when the specs
 * are paired, the current quantized model (the layers' quantized-model inputs exposed) on partition {@code i} of the
 * samples — the slices Spark's {@code parallelize} would make — one sample at a time, and adds each layer input pair
 * into its {@link GramAccumulator}. The driver merges the partials in task order, so a given partitioning always gives
 * the same bits.
 *
 * @param outputs          exposed FP32 tensors to fetch (layer inputs that are not graph inputs)
 * @param quantized        the quantized model with the paired tensors exposed, or null for unpaired specs
 * @param quantizedOutputs exposed tensors of the quantized model to fetch
 * @param graphInputs      tensors read from the sample itself
 * @param seed             POT's {@code random_seed}; a sample's position draw mixes it with the sample id and the spec
 */
record GramJob(ModelBlob model, List<String> outputs, ModelBlob quantized, List<String> quantizedOutputs,
               List<String> graphInputs, List<GramSpec> specs, DataSource source, List<SampleRef> refs,
               int partitions, long seed, int threads)
        implements dev.sparkptq.runtime.IndexedJob<GramJob.Partial> {
    GramJob {
        outputs = List.copyOf(outputs);
        quantizedOutputs = List.copyOf(quantizedOutputs);
        graphInputs = List.copyOf(graphInputs);
        specs = List.copyOf(specs);
        refs = List.copyOf(refs);
    }

    /** One task's accumulators, in {@link #specs} order. A plain class: it travels back from executors. */
    static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        final ArrayList<GramAccumulator> accumulators;

        Partial(ArrayList<GramAccumulator> accumulators) {
            this.accumulators = accumulators;
        }
    }

    @Override
    public int tasks() {
        return partitions;
    }

    @Override
    public String stage() {
        return "layer-wise tuning statistics";
    }

    @Override
    public Partial run(int task, EngineFactory engines) {
        InferenceEngine fp32 = engines.open(model, EngineOptions.forInference(threads));
        InferenceEngine q = quantized == null ? null : engines.open(quantized, EngineOptions.forInference(threads));
        ArrayList<GramAccumulator> acc = new ArrayList<>();
        specs.forEach(s -> acc.add(new GramAccumulator(s)));
        for (SampleRef ref : Subsets.slices(refs, partitions).get(task)) {
            Sample s = source.load(ref);
            Map<String, Tensor> values = fetch(fp32, outputs, s);
            Map<String, Tensor> qValues = q == null ? Map.of() : fetch(q, quantizedOutputs, s);
            for (GramAccumulator a : acc) {
                Tensor t = values.get(a.spec().tensor());
                Tensor p = a.spec().pairedTensor() == null ? null : qValues.get(a.spec().pairedTensor());
                a.add(t.toFloats(), p == null ? null : p.toFloats(), t.shape(),
                        sampleSeed(seed, ref.id().value(), a.spec()));
            }
        }
        return new Partial(acc);
    }

    /** The exposed outputs of one model on one sample, plus the graph inputs the specs read. */
    private Map<String, Tensor> fetch(InferenceEngine engine, List<String> names, Sample s) {
        Map<String, Tensor> values = new HashMap<>(names.isEmpty() ? Map.of() : engine.run(s.inputs(), names));
        for (String in : graphInputs) {
            if (s.inputs().containsKey(in)) {
                values.put(in, s.inputs().get(in));
            }
        }
        return values;
    }

    /** The position draw of one sample for one spec: independent of partitioning and of the other specs. */
    static long sampleSeed(long seed, String sampleId, GramSpec spec) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= (long) sampleId.hashCode() * 0xC2B2AE3D27D4EB4FL;
        h ^= (long) spec.key().hashCode() * 0x165667B19E3779F9L;
        return h ^ (h >>> 31);
    }
}
