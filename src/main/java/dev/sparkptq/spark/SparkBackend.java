package dev.sparkptq.spark;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.EvalAccumulators;
import dev.sparkptq.pipeline.EvaluationJob;
import dev.sparkptq.pipeline.EvaluationResult;
import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.pipeline.PartitionWorker;
import dev.sparkptq.pipeline.QuantNoiseJob;
import dev.sparkptq.pipeline.QuantNoiseSums;
import dev.sparkptq.pipeline.QuantNoiseWorker;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.StatisticsJob;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;
import org.apache.spark.api.java.JavaRDD;
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
        StatisticsSet total = StatisticsSet.empty(job.specs(), job.histograms());
        this.<StatisticsSet>run(Work.STATISTICS, job, job.source(), refs, partitions).forEach(total::merge);
        return total;
    }

    @Override
    public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        HistogramSet total = HistogramSet.empty(job.histograms());
        this.<HistogramSet>run(Work.HISTOGRAMS, job, job.source(), refs, partitions).forEach(total::merge);
        return total;
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        List<EvalAccumulators> parts = run(Work.EVALUATION, job, job.source(), refs, partitions);
        EvalAccumulators total = parts.get(0);
        parts.subList(1, parts.size()).forEach(total::merge);
        return total.result();
    }

    @Override
    public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
        QuantNoiseSums total = new QuantNoiseSums();
        this.<QuantNoiseSums>run(Work.QUANT_NOISE, job, job.source(), refs, partitions).forEach(total::merge);
        return total;
    }

    /**
     * One Spark job: broadcasts {@code job}, runs {@code work} on every partition, and returns the partition
     * results in partition order (never in completion order, so merges are deterministic). A
     * {@link DatasetSource} brings its own partitions (its dataset's); other sources' refs are sliced in
     * {@code partitions}.
     */
    private <R> List<R> run(Work work, Object job, DataSource source, List<SampleRef> refs, int partitions) {
        describe(work.stage, refs.size());
        Broadcast<Object> b = jsc.broadcast(job);
        try {
            JavaRDD<SampleRef> samples = DatasetSource.rdd(jsc, source, refs, partitions);
            List<Tuple2<Integer, R>> parts = new ArrayList<>(samples
                    .mapPartitionsWithIndex(new PartitionTask<R>(b, engines, work), false).collect());
            parts.sort(Comparator.comparing(Tuple2::_1));
            requireOnePerPartition(parts, samples.getNumPartitions());
            return parts.stream().map(Tuple2::_2).toList();
        } finally {
            b.destroy();
        }
    }

    /**
     * Statistics are merged from exactly one result per partition: a task Spark re-ran after losing an executor
     * must not count twice. collect() guarantees it (one result per partition, whichever attempt won); this makes
     * the guarantee explicit rather than assumed, and never uses Spark accumulators, which retries can double.
     */
    static void requireOnePerPartition(List<? extends Tuple2<Integer, ?>> sorted, int partitions) {
        boolean ok = sorted.size() == partitions;
        for (int i = 0; ok && i < partitions; i++) {
            ok = sorted.get(i)._1() == i;
        }
        if (!ok) {
            throw new InternalException("Spark returned results for partitions " + sorted.stream().map(Tuple2::_1)
                    .toList() + " instead of one for each of 0.." + (partitions - 1) + "; re-run the job");
        }
    }

    /**
     * One Spark job with one task per index of {@code job} (each partition holds one index), results in task order.
     * The job is broadcast once; tasks receive only their number.
     */
    @Override
    public <R extends java.io.Serializable> List<R> runIndexed(IndexedJob<R> job) {
        int n = job.tasks();
        if (n == 0) {
            return List.of();
        }
        describe(job.stage(), n);
        Broadcast<Object> b = jsc.broadcast(job);
        try {
            List<Integer> ids = java.util.stream.IntStream.range(0, n).boxed().toList();
            List<Tuple2<Integer, R>> parts = new ArrayList<>(jsc.parallelize(ids, n)
                    .mapPartitions(new IndexedTask<R>(b, engines), false).collect());
            parts.sort(Comparator.comparing(Tuple2::_1));
            requireOnePerPartition(parts, n); // a ranking task re-run after an executor loss counts once
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

    /** Tables and remote files through this backend's Spark session; local files as in-process. */
    @Override
    public dev.sparkptq.data.SourceFactory sources(int partitions) {
        // the session that started this context (the default one), else a new one on it
        return new SparkSources(() -> org.apache.spark.sql.SparkSession.builder().master(jsc.master()).getOrCreate(),
                dev.sparkptq.pipeline.Scratch::create, partitions);
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

    /** A task of {@link #runIndexed}: runs the broadcast job's tasks whose numbers its partition holds. */
    static final class IndexedTask<R extends java.io.Serializable>
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Integer>, Tuple2<Integer, R>> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Object> job;
        private final EngineFactory engines;

        IndexedTask(Broadcast<Object> job, EngineFactory engines) {
            this.job = job;
            this.engines = engines;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Iterator<Tuple2<Integer, R>> call(Iterator<Integer> ids) {
            IndexedJob<R> j = (IndexedJob<R>) job.value();
            List<Tuple2<Integer, R>> out = new ArrayList<>();
            while (ids.hasNext()) {
                int i = ids.next();
                out.add(new Tuple2<>(i, j.run(i, engines)));
            }
            return out.iterator();
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
