package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the extra statistics passes of DefaultQuantization's steps (SmoothQuant, channel alignment, full bias
 * correction) run and on what: the calibration samples, their partitioning and the run's inference settings.
 *
 * @param workDir scratch folder for models staged on disk (large models only)
 */
record PassInputs(DataSource source, List<SampleRef> calibration, int partitions, int batchSize, int threads,
                  Path workDir) {
    PassInputs {
        calibration = List.copyOf(calibration);
    }

    /** The run's calibration samples in {@code engine.num_partitions} partitions (fewer when samples are few). */
    static PassInputs of(PtqConfig config, QuantizationParams params, QuantizationPipeline.Samples samples,
                         RunOptions options) {
        List<SampleRef> calib = samples.selected();
        int partitions = Math.max(1, Math.min(config.engine().numPartitions(), calib.size()));
        return new PassInputs(samples.source(), calib, partitions, params.statBatchSize(), options.threadsPerTask(),
                options.workDir());
    }

    /**
     * One statistics pass of {@code specs} over {@code refs} in {@code partitions} slices, on {@code model} with
     * {@code expose} applied (the tensors the specs read made graph outputs), staged under {@code workDir/stage}.
     */
    StatisticsSet collect(StatisticsBackend backend, OnnxMl.ModelProto model, List<GraphEdit> expose,
                          List<String> outputs, List<StatisticSpec> specs, List<SampleRef> refs, int partitions,
                          String stage) {
        StatisticsJob job = new StatisticsJob(Blobs.of(GraphRewriter.apply(model, expose), workDir.resolve(stage)),
                outputs, specs, source, batchSize, threads);
        return backend.collect(job, refs, partitions);
    }
}
