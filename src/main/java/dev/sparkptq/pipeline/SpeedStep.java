package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.placement.SpeedAwarePlacement;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.report.RunReport;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The hook that runs {@link SpeedAwarePlacement} inside the base quantization: placement by ONNX Runtime's optimized
 * graph, then the speed guard ({@code engine.speed_guard}). Rebuilds sub-plans with the same recipe an
 * accuracy-aware search uses, so a model with quantizers removed is exactly what quantizing without them gives.
 */
final class SpeedStep {
    /** Calibration samples loaded for timing (the guard times at most a few). */
    static final int SAMPLES = 4;

    private SpeedStep() {
    }

    /** The model to write, its plan and the report section. */
    record Result(OnnxMl.ModelProto quantized, QuantizationPlan plan, RunReport.SpeedSummary summary) {
    }

    /** @param original the model as given; null when it is too large to time (the guard is then skipped) */
    static Result run(StatisticsBackend backend, Consumer<String> log, PtqConfig config, RunOptions options,
                      OnnxMl.ModelProto original, OnnxMl.ModelProto reference, QuantizationPlan plan,
                      OnnxMl.ModelProto quantized, Supplier<CandidateRecipe> recipe,
                      QuantizationPipeline.Samples samples, List<GraphEdit> metadata) {
        CandidateRecipe[] made = new CandidateRecipe[1];
        return run(backend, log, config, options, original, reference, plan, quantized, p -> {
            if (made[0] == null) {
                made[0] = recipe.get();
            }
            return made[0].build(p, java.util.Set.of());
        }, samples, metadata);
    }

    /**
     * The guard on any model of a sub-plan of the recipe's (an accuracy-aware search's result): {@code build} makes the
     * model of a further-reduced plan, as the search would.
     */
    static Result run(StatisticsBackend backend, Consumer<String> log, PtqConfig config, RunOptions options,
                      OnnxMl.ModelProto original, OnnxMl.ModelProto reference, QuantizationPlan plan,
                      OnnxMl.ModelProto quantized, Function<QuantizationPlan, OnnxMl.ModelProto> build,
                      QuantizationPipeline.Samples samples, List<GraphEdit> metadata) {
        if (original == null || ModelIo.initializerBytes(quantized) >= Blobs.INLINE_LIMIT) {
            log.accept("placement and speed guard skipped: the model is too large for ONNX Runtime to save its "
                    + "optimized graph");
            return new Result(quantized, plan, SpeedAwarePlacement.skipped(config.engine().speedGuard(),
                    options.threadsPerTask(), "too_large", config.engine().speedGuard() ? "placement and speed "
                            + "guard skipped: models over " + Blobs.INLINE_LIMIT / 1_000_000 + " MB of weights are "
                            + "not timed" : null));
        }
        // loading reads the data source (a Dataset pulls rows): only when timed
        List<Map<String, Tensor>> inputs = config.engine().speedGuard() ? samples.inputs(SAMPLES) : List.of();
        OnnxMl.ModelProto fallback = GraphRewriter.apply(original, metadata);
        var request = new SpeedAwarePlacement.Request(original, reference, plan, quantized, build, fallback, GraphRewriter.apply(reference, metadata), inputs, options.threadsPerTask(),
                config.engine().speedGuard());
        var outcome = new SpeedAwarePlacement(backend.engines(),
                (model, name) -> Blobs.of(model, options.workDir().resolve(name)), options.workDir(), log)
                .run(request);
        return new Result(outcome.model(), outcome.plan(), outcome.summary());
    }
}
