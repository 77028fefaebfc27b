package dev.sparkptq.spark;

import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.EvalAccumulators;
import dev.sparkptq.pipeline.EvaluationJob;
import dev.sparkptq.pipeline.EvaluationResult;
import dev.sparkptq.pipeline.PartitionWorker;
import dev.sparkptq.pipeline.QuantNoiseJob;
import dev.sparkptq.pipeline.QuantNoiseSums;
import dev.sparkptq.pipeline.QuantNoiseWorker;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.StatisticsJob;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/** Runs statistics and evaluation passes as Spark jobs over partitions of sample references. */
public final class SparkBackend implements StatisticsBackend {
    private final JavaSparkContext jsc;
    private final EngineFactory engines;

    public SparkBackend(JavaSparkContext jsc, EngineFactory engines) {
        this.jsc = jsc;
        this.engines = engines;
    }

    @Override
    public StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions) {
        StatisticsSet total = StatisticsSet.empty(job.specs());
        this.<StatisticsSet>run(Work.STATISTICS, job, refs, partitions).forEach(total::merge);
        return total;
    }

    @Override
    public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        HistogramSet total = HistogramSet.empty(job.histograms());
        this.<HistogramSet>run(Work.HISTOGRAMS, job, refs, partitions).forEach(total::merge);
        return total;
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        List<EvalAccumulators> parts = run(Work.EVALUATION, job, refs, partitions);
        EvalAccumulators total = parts.get(0);
        parts.subList(1, parts.size()).forEach(total::merge);
        return total.result();
    }

    @Override
    public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
        QuantNoiseSums total = new QuantNoiseSums();
        this.<QuantNoiseSums>run(Work.QUANT_NOISE, job, refs, partitions).forEach(total::merge);
        return total;
    }

    /**
     * One Spark job: broadcasts {@code job}, runs {@code work} on every partition, and returns the partition
     * results in partition order (never in completion order, so merges are deterministic).
     */
    private <R> List<R> run(Work work, Object job, List<SampleRef> refs, int partitions) {
        describe(work.stage, refs.size());
        Broadcast<Object> b = jsc.broadcast(job);
        try {
            List<Tuple2<Integer, R>> parts = new ArrayList<>(jsc.parallelize(refs, partitions)
                    .mapPartitionsWithIndex(new PartitionTask<R>(b, engines, work), false).collect());
            parts.sort(Comparator.comparing(Tuple2::_1));
            return parts.stream().map(Tuple2::_2).toList();
        } finally {
            b.destroy();
        }
    }

    /** Labels the next job for the UI and for {@link ProgressListener}. */
    private void describe(String stage, int samples) {
        jsc.setJobDescription(stage + " over " + samples + " samples");
        jsc.setLocalProperty(ProgressListener.STAGE, stage);
        jsc.setLocalProperty(ProgressListener.SAMPLES, Integer.toString(samples));
    }

    @Override
    public dev.sparkptq.runtime.EngineFactory engines() {
        return engines;
    }

    @Override
    public String describe() {
        int executors = Math.max(1, jsc.sc().statusTracker().getExecutorInfos().length - 1); // minus the driver
        return "spark " + jsc.master() + " (" + jsc.defaultParallelism() + " cores"
                + (jsc.master().startsWith("local") ? "" : ", " + executors + " executors") + ")";
    }

    /** What a task does with its partition. */
    enum Work {
        STATISTICS("statistics"), HISTOGRAMS("histograms"), EVALUATION("evaluation"),
        QUANT_NOISE("quantization error");

        final String stage;

        Work(String stage) {
            this.stage = stage;
        }
    }

    /** A task: captures only the broadcast handle, the engine factory and what to do. */
    static final class PartitionTask<R>
            implements Function2<Integer, Iterator<SampleRef>, Iterator<Tuple2<Integer, R>>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Object> job;
        private final EngineFactory engines;
        private final Work work;

        PartitionTask(Broadcast<Object> job, EngineFactory engines, Work work) {
            this.job = job;
            this.engines = engines;
            this.work = work;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Iterator<Tuple2<Integer, R>> call(Integer partition, Iterator<SampleRef> refs) {
            Object result = switch (work) {
                case STATISTICS -> PartitionWorker.collect((StatisticsJob) job.value(), refs, engines);
                case HISTOGRAMS -> PartitionWorker.histograms((StatisticsJob) job.value(), refs, engines);
                case EVALUATION -> PartitionWorker.evaluate((EvaluationJob) job.value(), refs, engines);
                case QUANT_NOISE -> QuantNoiseWorker.measure((QuantNoiseJob) job.value(), refs, engines);
            };
            return List.of(new Tuple2<>(partition, (R) result)).iterator();
        }
    }
}
