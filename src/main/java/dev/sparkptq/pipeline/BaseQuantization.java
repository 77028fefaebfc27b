package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.ModelState;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A finished base quantization (DefaultQuantization or MinMaxQuantization) not yet saved: the quantized model, the
 * recipe that rebuilds it or any partly reverted variant, and what the report needs. The run's stopwatch keeps
 * running so later phases (evaluation, an accuracy-aware search) appear in the report's timings.
 */
public final class BaseQuantization {
    private final QuantizationPipeline.ReportInputs inputs;
    /** Built on first use: only AccuracyAwareQuantization needs it, and it serializes the FP32 model (≤ 2 GB). */
    private final java.util.function.Supplier<CandidateRecipe> recipeMaker;
    private CandidateRecipe recipe;
    private final Stopwatch clock;

    private final Guard guard;

    /** The speed guard of the run (its config, samples and FP32 model) applied to another model of the recipe. */
    @FunctionalInterface
    interface Guard {
        SpeedStep.Result run(QuantizationPlan plan, OnnxMl.ModelProto model,
                             java.util.function.Function<QuantizationPlan, OnnxMl.ModelProto> build);
    }

    /** A model after the speed guard, and what the guard did (report.json's {@code speed}). */
    public record Guarded(OnnxMl.ModelProto model, RunReport.SpeedSummary speed) {
    }

    BaseQuantization(QuantizationPipeline.ReportInputs inputs, java.util.function.Supplier<CandidateRecipe> recipe,
                     Stopwatch clock, Guard guard) {
        this.inputs = inputs;
        this.recipeMaker = recipe;
        this.clock = clock;
        this.guard = guard;
    }

    /**
     * The speed guard ({@code engine.speed_guard}) on a model the recipe builds from a sub-plan of {@link #plan()}
     * — an accuracy-aware search's result, whose reverted groups add float islands with Q/DQ at their borders and can
     * make it slower than FP32: ops whose integer kernel is slower return to float (only more float, so no less
     * faithful), and a model still not faster than FP32 is replaced by the float model.
     *
     * @param plan  the sub-plan {@code model} was built from
     * @param int16 points of {@code plan} the model holds in 16 bits (revert_to int16), kept so in every variant
     */
    public Guarded speedGuard(QuantizationPlan plan, OnnxMl.ModelProto model, Set<String> int16) {
        SpeedStep.Result r = guard.run(plan, model, p -> recipe().build(p, int16));
        return new Guarded(r.quantized(), r.summary());
    }

    /** The model state the algorithm's steps ended with. */
    public ModelState state() {
        return inputs.state();
    }

    /**
     * The FP32 reference: the model as loaded and prepared (opset upgrade, constant folding), before the FP32-exact
     * rewrites SmoothQuant and channel alignment make, so evaluation compares against what the user gave.
     */
    public OnnxMl.ModelProto prepared() {
        return state().reference();
    }

    public OnnxMl.ModelProto quantized() {
        return state().quantized();
    }

    public synchronized CandidateRecipe recipe() {
        if (recipe == null) {
            recipe = recipeMaker.get();
        }
        return recipe;
    }

    public ModelGraph graph() {
        return state().graph();
    }

    public QuantizationPlan plan() {
        return state().plan();
    }

    /** The calibration samples (to count how many validation samples were also calibrated on). */
    public Set<dev.sparkptq.data.SampleRef> calibration() {
        return new HashSet<>(inputs.run().calibration());
    }

    /** Ends the current phase of the run's timings under {@code stage}. */
    public void lap(String stage) {
        clock.lap(stage);
    }

    /**
     * Saves {@code model} with the full report (atomically, see {@link OutputWriter}); {@code decorate} adds sections
     * the base run does not know (e.g. the accuracy-aware trace).
     */
    public RunResult write(dev.sparkptq.core.Location outputDir, OnnxMl.ModelProto model,
                           RunReport.MetricsSummary metrics,
                           List<RunReport.QuantErrorSummary> quantError, UnaryOperator<RunReport> decorate) {
        return OutputWriter.write(outputDir, model, inputs, metrics, quantError, clock, decorate);
    }
}
