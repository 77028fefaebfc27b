package dev.sparkptq.pipeline;

import dev.sparkptq.data.SampleRef;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;

import java.util.List;

/** Runs per-sample work over partitions of samples and reduces the partition results. */
public interface StatisticsBackend {
    /** Collects the job's statistics over {@code refs} split into {@code partitions} slices. */
    StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions);

    /**
     * Counts the job's histograms over {@code refs} split into {@code partitions} slices, merged in partition order
     * (the second pass of histogram range estimators).
     */
    HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions);

    /** Evaluates both models of the job over {@code refs} split into {@code partitions} slices. */
    EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions);

    /**
     * Quantization-noise sums of the job's tensors over {@code refs} split into {@code partitions} slices (exact
     * sums: the result does not depend on the split).
     */
    QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions);

    /** Runs every task of {@code job} (one Spark task each) and returns the results in task order. */
    <R extends java.io.Serializable> List<R> runIndexed(dev.sparkptq.runtime.IndexedJob<R> job);

    /**
     * The engine factory the driver uses for one-off local work (the integer-kernel report inspects the runtime's
     * optimized graph on the driver; executors open their own engines).
     */
    dev.sparkptq.runtime.EngineFactory engines();

    /**
     * Where this backend can read samples from: local files in-process; Spark backends also read tables and files on
     * other file systems ({@code hdfs://}, {@code s3a://} …) on their executors.
     *
     * @param partitions about how many partitions the data should have ({@code engine.num_partitions})
     */
    default dev.sparkptq.data.SourceFactory sources(int partitions) {
        return dev.sparkptq.data.DataSources.LOCAL;
    }

    /** Describes where work runs, for the report (e.g. {@code in-process}, {@code spark local[2]}). */
    String describe();
}
