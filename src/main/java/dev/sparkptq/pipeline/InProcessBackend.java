package dev.sparkptq.pipeline;

import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;

import java.util.List;

/**
 * The reference backend: the same slices Spark would make, processed one after another in this JVM, merged in
 * partition order.
 */
public final class InProcessBackend implements StatisticsBackend {
    private final EngineFactory engines;

    public InProcessBackend(EngineFactory engines) {
        this.engines = engines;
    }

    @Override
    public StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions) {
        StatisticsSet total = StatisticsSet.empty(job.specs(), job.histograms());
        inSliceOrder(refs, partitions, slice -> PartitionWorker.collect(job, slice, engines)).forEach(total::merge);
        return total;
    }

    @Override
    public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        HistogramSet total = HistogramSet.empty(job.histograms());
        inSliceOrder(refs, partitions, slice -> PartitionWorker.histograms(job, slice, engines))
                .forEach(total::merge);
        return total;
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        List<EvalAccumulators> parts = inSliceOrder(refs, partitions,
                slice -> PartitionWorker.evaluate(job, slice, engines));
        EvalAccumulators total = parts.get(0);
        parts.subList(1, parts.size()).forEach(total::merge);
        return total.result();
    }

    @Override
    public dev.sparkptq.runtime.EngineFactory engines() {
        return engines;
    }

    @Override
    public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
        QuantNoiseSums total = new QuantNoiseSums();
        inSliceOrder(refs, partitions, slice -> QuantNoiseWorker.measure(job, slice, engines)).forEach(total::merge);
        return total;
    }

    @Override
    public <R extends java.io.Serializable> List<R> runIndexed(dev.sparkptq.runtime.IndexedJob<R> job) {
        List<R> out = new java.util.ArrayList<>();
        for (int i = 0; i < job.tasks(); i++) {
            out.add(job.run(i, engines));
        }
        return out;
    }

    /** Runs {@code work} on each of the slices Spark would make, one after another, in partition order. */
    private static <R> List<R> inSliceOrder(List<SampleRef> refs, int partitions,
                                            java.util.function.Function<java.util.Iterator<SampleRef>, R> work) {
        return Subsets.slices(refs, partitions).stream().map(slice -> work.apply(slice.iterator())).toList();
    }

    @Override
    public String describe() {
        return "in-process";
    }
}
