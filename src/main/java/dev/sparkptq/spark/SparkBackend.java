package dev.sparkptq.spark;

import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.EvalAccumulators;
import dev.sparkptq.pipeline.EvaluationJob;
import dev.sparkptq.pipeline.EvaluationResult;
import dev.sparkptq.pipeline.PartitionWorker;
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
        describe("statistics", refs.size());
        Broadcast<StatisticsJob> b = jsc.broadcast(job);
        try {
            StatisticsSet total = StatisticsSet.empty(job.specs());
            inPartitionOrder(refs, partitions, new CollectTask(b, engines)).forEach(total::merge);
            return total;
        } finally {
            b.destroy();
        }
    }

    @Override
    public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        describe("histograms", refs.size());
        Broadcast<StatisticsJob> b = jsc.broadcast(job);
        try {
            HistogramSet total = HistogramSet.empty(job.histograms());
            inPartitionOrder(refs, partitions, new HistogramTask(b, engines)).forEach(total::merge);
            return total;
        } finally {
            b.destroy();
        }
    }

    /** Runs {@code task} on every partition and returns the partition results sorted by partition index. */
    private <R> List<R> inPartitionOrder(List<SampleRef> refs, int partitions,
                                         Function2<Integer, Iterator<SampleRef>, Iterator<Tuple2<Integer, R>>> task) {
        List<Tuple2<Integer, R>> parts = new ArrayList<>(jsc.parallelize(refs, partitions)
                .mapPartitionsWithIndex(task, false).collect());
        parts.sort(Comparator.comparing(Tuple2::_1));
        return parts.stream().map(Tuple2::_2).toList();
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        describe("evaluation", refs.size());
        Broadcast<EvaluationJob> b = jsc.broadcast(job);
        try {
            List<Tuple2<Integer, EvalAccumulators>> parts = new ArrayList<>(jsc.parallelize(refs, partitions)
                    .mapPartitionsWithIndex(new EvaluateTask(b, engines), false).collect());
            parts.sort(Comparator.comparing(Tuple2::_1));
            EvalAccumulators total = parts.get(0)._2();
            for (int i = 1; i < parts.size(); i++) {
                total.merge(parts.get(i)._2());
            }
            return total.result();
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
    public String describe() {
        int executors = Math.max(1, jsc.sc().statusTracker().getExecutorInfos().length - 1); // minus the driver
        return "spark " + jsc.master() + " (" + jsc.defaultParallelism() + " cores"
                + (jsc.master().startsWith("local") ? "" : ", " + executors + " executors") + ")";
    }

    /** A statistics task: captures only the broadcast handle and the engine factory. */
    static final class CollectTask
            implements Function2<Integer, Iterator<SampleRef>, Iterator<Tuple2<Integer, StatisticsSet>>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<StatisticsJob> job;
        private final EngineFactory engines;

        CollectTask(Broadcast<StatisticsJob> job, EngineFactory engines) {
            this.job = job;
            this.engines = engines;
        }

        @Override
        public Iterator<Tuple2<Integer, StatisticsSet>> call(Integer partition, Iterator<SampleRef> refs) {
            return List.of(new Tuple2<>(partition, PartitionWorker.collect(job.value(), refs, engines))).iterator();
        }
    }

    /** A histogram task (pass 2): captures only the broadcast handle and the engine factory. */
    static final class HistogramTask
            implements Function2<Integer, Iterator<SampleRef>, Iterator<Tuple2<Integer, HistogramSet>>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<StatisticsJob> job;
        private final EngineFactory engines;

        HistogramTask(Broadcast<StatisticsJob> job, EngineFactory engines) {
            this.job = job;
            this.engines = engines;
        }

        @Override
        public Iterator<Tuple2<Integer, HistogramSet>> call(Integer partition, Iterator<SampleRef> refs) {
            return List.of(new Tuple2<>(partition, PartitionWorker.histograms(job.value(), refs, engines)))
                    .iterator();
        }
    }

    /** An evaluation task. */
    static final class EvaluateTask
            implements Function2<Integer, Iterator<SampleRef>, Iterator<Tuple2<Integer, EvalAccumulators>>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<EvaluationJob> job;
        private final EngineFactory engines;

        EvaluateTask(Broadcast<EvaluationJob> job, EngineFactory engines) {
            this.job = job;
            this.engines = engines;
        }

        @Override
        public Iterator<Tuple2<Integer, EvalAccumulators>> call(Integer partition, Iterator<SampleRef> refs) {
            return List.of(new Tuple2<>(partition, PartitionWorker.evaluate(job.value(), refs, engines))).iterator();
        }
    }
}
