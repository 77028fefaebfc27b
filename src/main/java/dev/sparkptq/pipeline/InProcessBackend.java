package dev.sparkptq.pipeline;

import dev.sparkptq.data.SampleRef;
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
        StatisticsSet total = StatisticsSet.empty(job.specs());
        for (List<SampleRef> slice : StatisticsJob.slices(refs, partitions)) {
            total.merge(PartitionWorker.collect(job, slice.iterator(), engines));
        }
        return total;
    }

    @Override
    public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        HistogramSet total = HistogramSet.empty(job.histograms());
        for (List<SampleRef> slice : StatisticsJob.slices(refs, partitions)) {
            total.merge(PartitionWorker.histograms(job, slice.iterator(), engines));
        }
        return total;
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        EvalAccumulators total = null;
        for (List<SampleRef> slice : StatisticsJob.slices(refs, partitions)) {
            EvalAccumulators part = PartitionWorker.evaluate(job, slice.iterator(), engines);
            total = total == null ? part : total.merge(part);
        }
        return total.result();
    }

    @Override
    public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
        QuantNoiseSums total = new QuantNoiseSums();
        for (List<SampleRef> slice : StatisticsJob.slices(refs, partitions)) {
            total.merge(QuantNoiseWorker.measure(job, slice.iterator(), engines));
        }
        return total;
    }

    @Override
    public String describe() {
        return "in-process";
    }
}
