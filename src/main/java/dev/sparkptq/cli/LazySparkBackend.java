package dev.sparkptq.cli;

import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.EvaluationJob;
import dev.sparkptq.pipeline.EvaluationResult;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.StatisticsJob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.spark.SparkBackend;
import dev.sparkptq.spark.SparkSessions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.List;

/**
 * Starts Spark only when the first distributed pass runs, so that bad configs, models and data fail in a second
 * instead of after a Spark start-up.
 */
final class LazySparkBackend implements StatisticsBackend, AutoCloseable {
    private final String master;
    private final Path localDir;
    private final ProgressPrinter progress;
    private SparkSession spark;
    private SparkBackend backend;

    LazySparkBackend(String master, Path localDir, ProgressPrinter progress) {
        this.master = master;
        this.localDir = localDir;
        this.progress = progress;
    }

    private SparkBackend backend() {
        if (backend == null) {
            MasterCheck.requireReachable(master);
            spark = SparkSessions.start(master, localDir);
            spark.sparkContext().addSparkListener(new dev.sparkptq.spark.ProgressListener(progress));
            backend = new SparkBackend(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                    new OrtEngineFactory());
        }
        return backend;
    }

    @Override
    public dev.sparkptq.stats.StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions) {
        return backend().collect(job, refs, partitions);
    }

    @Override
    public dev.sparkptq.stats.HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        return backend().histograms(job, refs, partitions);
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        return backend().evaluate(job, refs, partitions);
    }

    @Override
    public dev.sparkptq.pipeline.QuantNoiseSums quantNoise(dev.sparkptq.pipeline.QuantNoiseJob job,
                                                           List<SampleRef> refs, int partitions) {
        return backend().quantNoise(job, refs, partitions);
    }

    @Override
    public <R extends java.io.Serializable> List<R> runIndexed(dev.sparkptq.runtime.IndexedJob<R> job) {
        return backend().runIndexed(job);
    }

    /** Local files without Spark; tables and other file systems start it (their sources are Spark datasets). */
    @Override
    public dev.sparkptq.data.SourceFactory sources(int partitions) {
        return (spec, source, inputs) -> spec instanceof dev.sparkptq.config.TableReaderSpec
                || source != null && !source.isLocal()
                ? backend().sources(partitions).create(spec, source, inputs)
                : dev.sparkptq.data.DataSources.LOCAL.create(spec, source, inputs);
    }

    @Override
    public dev.sparkptq.runtime.EngineFactory engines() {
        return new OrtEngineFactory(); // the driver needs no Spark for it
    }

    @Override
    public String describe() {
        String m = master != null ? master : System.getProperty("spark.master", "local[*]");
        return backend != null ? backend.describe() : "spark " + m;
    }

    @Override
    public void close() {
        if (spark != null) {
            spark.stop();
        }
    }
}
