package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.step.Passes;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.stats.StatisticsSet;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * The run's {@link Passes}: its calibration samples, their partitioning and inference settings, over the run's
 * backend. The pipeline's own statistics passes run on the same samples and settings.
 *
 * @param calibration the selected calibration samples, in order
 * @param numPartitions {@code engine.num_partitions}
 * @param inplace     reduce MIN/MAX/ABS_MAX statistics inside the graph ({@code inplace_statistics})
 * @param workDir     scratch folder for models staged on disk (large models only) and driver-side files
 */
record RunPasses(StatisticsBackend backend, DataSource source, List<SampleRef> calibration, int numPartitions,
                 int batchSize, int threads, boolean inplace, Path workDir) implements Passes {
    RunPasses {
        calibration = List.copyOf(calibration);
    }

    static RunPasses of(StatisticsBackend backend, PtqConfig config, QuantizationParams params, DataSource source,
                        List<SampleRef> calibration, RunOptions options) {
        return new RunPasses(backend, source, calibration, config.engine().numPartitions(), params.statBatchSize(),
                options.threadsPerTask(), config.compression().inplaceStatistics(), options.workDir());
    }

    @Override
    public int partitions(int samples) {
        return Math.max(1, Math.min(numPartitions, samples));
    }

    @Override
    public StatisticsSet collect(OnnxMl.ModelProto model, StatisticsRequest request, List<SampleRef> samples,
                                 String stage) {
        if (!request.histogramTensors().isEmpty()) {
            throw new InternalException("a step's own pass collects statistics, not histograms (" + stage + ")");
        }
        StatisticsPass pass = StatisticsPass.of(List.of(request), ModelGraph.of(model), inplace);
        StatisticsJob job = pass.pass1(model, workDir.resolve(stage), source, batchSize, threads);
        return backend.collect(job, samples, partitions(samples.size()));
    }

    @Override
    public <R extends Serializable> List<R> run(IndexedJob<R> job) {
        return backend.runIndexed(job);
    }

    @Override
    public ModelBlob stage(OnnxMl.ModelProto model, String stage) {
        return Blobs.of(model, workDir.resolve(stage));
    }

    @Override
    public EngineFactory engines() {
        return backend.engines();
    }
}
