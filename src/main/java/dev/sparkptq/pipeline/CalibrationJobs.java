package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.algorithms.Registry;
import dev.sparkptq.config.CompressionSection;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPlanner;

import java.nio.file.Path;
import java.util.List;

/**
 * Builds statistics jobs outside a full run (benchmarks, tools): the same plan → request → exposed-outputs model
 * that {@link QuantizationPipeline} uses, so a benchmark measures exactly what a run does.
 */
public final class CalibrationJobs {
    private CalibrationJobs() {
    }

    /** The statistics pass of {@code params} on {@code prepared} (a model from {@code ModelIo.prepareForQuantization}). */
    public static StatisticsJob statistics(OnnxMl.ModelProto prepared, QuantizationParams params,
                                           CompressionSection compression, DataSource source, int threads,
                                           Path stagingDir) {
        ModelGraph graph = ModelGraph.of(prepared);
        QuantizationPlan plan = QuantizationPlanner.plan(graph, params, compression);
        return pass(plan, graph, compression).pass1(prepared, stagingDir, source, params.statBatchSize(), threads);
    }

    /**
     * Pass 2 of a histogram-based estimator with {@code edges: extremes}, given pass 1's job and results; null when
     * {@code params} needs no second pass (no histogram, or grid histograms counted in pass 1).
     */
    public static StatisticsJob histograms(OnnxMl.ModelProto prepared, QuantizationParams params,
                                           CompressionSection compression, StatisticsJob pass1,
                                           java.util.Map<dev.sparkptq.stats.StatisticSpec,
                                                   dev.sparkptq.stats.StatResult> pass1Results) {
        ModelGraph graph = ModelGraph.of(prepared);
        StatisticsPass pass = pass(QuantizationPlanner.plan(graph, params, compression), graph, compression);
        return pass.passes() == 1 ? null : pass.pass2(pass1, pass1Results);
    }

    /** The calibration pass of {@code plan}: the statistics its quantizer ranges need. */
    private static StatisticsPass pass(QuantizationPlan plan, ModelGraph graph, CompressionSection compression) {
        return StatisticsPass.of(List.of(Registry.calibrationRequest(plan)), graph,
                compression.inplaceStatistics());
    }

    /**
     * Plain inference over the same samples, as a statistics job with nothing to accumulate: the model's own
     * outputs are fetched and dropped — the baseline a statistics pass is compared with.
     */
    public static StatisticsJob inference(OnnxMl.ModelProto prepared, DataSource source, int threads,
                                          Path stagingDir) {
        ModelGraph graph = ModelGraph.of(prepared);
        List<String> outputs = graph.outputs().stream().map(o -> o.name()).toList();
        return new StatisticsJob(Blobs.of(prepared, stagingDir), outputs, List.of(), source, 1, threads);
    }
}
