package dev.sparkptq.pipeline;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
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
 * Layer-wise tuning's statistics pass: task {@code i} runs the FP32 model (layer inputs exposed) on partition
 * {@code i} of the samples — the slices Spark's {@code parallelize} would make — one sample at a time, and adds each
 * layer input into its {@link GramAccumulator}. The driver merges the partials in task order, so a given partitioning
 * always gives the same bits.
 *
 * @param outputs     exposed tensors to fetch (layer inputs that are not graph inputs)
 * @param graphInputs layer inputs read from the sample itself
 * @param seed        POT's {@code random_seed}; a sample's position draw mixes it with the sample id and the spec
 */
record GramJob(ModelBlob model, List<String> outputs, List<String> graphInputs, List<GramSpec> specs,
               DataSource source, List<SampleRef> refs, int partitions, long seed, int threads)
        implements IndexedJob<GramJob.Partial> {
    GramJob {
        outputs = List.copyOf(outputs);
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
        InferenceEngine engine = engines.open(model, EngineOptions.forInference(threads));
        ArrayList<GramAccumulator> acc = new ArrayList<>();
        specs.forEach(s -> acc.add(new GramAccumulator(s)));
        for (SampleRef ref : StatisticsJob.slices(refs, partitions).get(task)) {
            Sample s = source.load(ref);
            Map<String, Tensor> values = new HashMap<>(outputs.isEmpty() ? Map.of() : engine.run(s.inputs(), outputs));
            for (String in : graphInputs) {
                values.put(in, s.inputs().get(in));
            }
            for (GramAccumulator a : acc) {
                Tensor t = values.get(a.spec().tensor());
                a.add(t.toFloats(), t.shape(), sampleSeed(seed, ref.id().value(), a.spec()));
            }
        }
        return new Partial(acc);
    }

    /** The position draw of one sample for one spec: independent of partitioning and of the other specs. */
    static long sampleSeed(long seed, String sampleId, GramSpec spec) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= (long) sampleId.hashCode() * 0xC2B2AE3D27D4EB4FL;
        h ^= (long) spec.key().hashCode() * 0x165667B19E3779F9L;
        return h ^ (h >>> 31);
    }
}
