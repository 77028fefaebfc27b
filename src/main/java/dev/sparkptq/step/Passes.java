package dev.sparkptq.step;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.StatisticsSet;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * The run's samples and backend, for the steps that genuinely need passes of their own: a pass on a model other than
 * the float model (SmoothQuant's probed copy, the quantized model of full bias correction), several dependent passes
 * (one per layer depth), distributed jobs that are not statistics (layer-wise tuning's Gram matrices), or one-off
 * inference on the driver (the integer-kernel report). Everything else should ask the pipeline through
 * {@link Step#statistics}, which merges requests into shared passes. Behind it, the same backend (in-process or
 * Spark) as the pipeline's own passes.
 */
public interface Passes {
    /** The run's calibration samples (the selected subset, in order). */
    List<SampleRef> calibration();

    /** Where the samples load from (what executors receive). */
    DataSource source();

    /** The partitions for a pass over {@code samples} samples: {@code engine.num_partitions}, fewer for few samples. */
    int partitions(int samples);

    /** ONNX Runtime intra-op threads per task. */
    int threads();

    /**
     * One statistics pass of {@code request} (no histograms) over {@code samples} on {@code model}, staged under the
     * run's work folder as {@code stage}. Not checked: call {@link StatisticsSet#requireComplete()} when every value
     * must be finite.
     */
    StatisticsSet collect(OnnxMl.ModelProto model, StatisticsRequest request, List<SampleRef> samples, String stage);

    /** Runs every task of {@code job} (one Spark task each); the results in task order. */
    <R extends Serializable> List<R> run(IndexedJob<R> job);

    /** {@code model} as executors receive it (bytes, or staged on disk as {@code stage} when large). */
    ModelBlob stage(OnnxMl.ModelProto model, String stage);

    /** Engines for one-off work on the driver (executors open their own). */
    EngineFactory engines();

    /** A scratch folder owned by this run, for files a step writes on the driver. */
    Path workDir();
}
