package dev.sparkptq.algorithms;

import dev.sparkptq.algorithms.alignment.ActivationChannelAlignment;
import dev.sparkptq.algorithms.biascorrection.BiasCorrection;
import dev.sparkptq.algorithms.equalization.EqualizationStep;
import dev.sparkptq.algorithms.halfvectors.HalfVectorsStep;
import dev.sparkptq.algorithms.kernelchoice.KernelChoiceStep;
import dev.sparkptq.algorithms.kernelchoice.KernelRewriteStep;
import dev.sparkptq.algorithms.kernels.IntegerKernels;
import dev.sparkptq.algorithms.layerwise.LayerwiseTuning;
import dev.sparkptq.algorithms.layerwise.LayerwiseTuningTasks;
import dev.sparkptq.algorithms.minmax.PlanStep;
import dev.sparkptq.algorithms.minmax.QdqStep;
import dev.sparkptq.algorithms.minmax.RangesStep;
import dev.sparkptq.algorithms.overflow.SevenBitStep;
import dev.sparkptq.algorithms.prepare.ModelPreparation;
import dev.sparkptq.algorithms.smoothquant.SmoothQuant;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The quantization algorithms as lists of steps, in order (POT's DefaultQuantization and MinMaxQuantization), and the
 * one place that names the algorithm packages: the pipeline composes whatever list it is given, and a new algorithm is
 * one step class in its own package plus one entry here (see README, "Adding an algorithm").
 */
public final class Registry {
    private static final Map<AlgorithmSpec.Name, List<Function<StepContext, Step>>> ALGORITHMS = Map.of(
            AlgorithmSpec.Name.DefaultQuantization, List.of(
                    SmoothQuant::new,
                    EqualizationStep::new,
                    PlanStep::new,
                    SevenBitStep::new,
                    ActivationChannelAlignment::new,
                    c -> new RangesStep(),
                    LayerwiseTuning::new,
                    KernelChoiceStep::new,
                    QdqStep::new,
                    c -> new KernelRewriteStep(),
                    BiasCorrection::new,
                    IntegerKernels::new,
                    HalfVectorsStep::new),
            AlgorithmSpec.Name.MinMaxQuantization, List.of(
                    SmoothQuant::new,
                    PlanStep::new,
                    SevenBitStep::new,
                    c -> new RangesStep(),
                    LayerwiseTuning::ignoredByMinMax,
                    KernelChoiceStep::new,
                    QdqStep::new,
                    c -> new KernelRewriteStep(),
                    IntegerKernels::new,
                    HalfVectorsStep::new));

    /** The classes steps ship through Spark (jobs and task results), for the Kryo registrator, in a fixed order. */
    public static final List<Class<?>> SHIPPED = List.of(LayerwiseTuningTasks.JOB, LayerwiseTuningTasks.RESULT);

    private Registry() {
    }

    /**
     * The run's calibration statistics for {@code plan} (what the pass of a run collects for its quantizer ranges):
     * benchmarks measure exactly that pass.
     */
    public static StatisticsRequest calibrationRequest(QuantizationPlan plan) {
        return RangesStep.request(plan);
    }

    /**
     * The model as given, prepared for quantization ({@code algorithms.prepare}: legacy forms, Constant weights,
     * FP16 upcast, opset conversion, constant and BatchNorm folding, ...): the state every algorithm starts from,
     * with report.json's {@code preparation} section. Graph-only, so it runs before any data is read.
     */
    public static ModelState prepared(ai.onnx.proto.OnnxMl.ModelProto model, java.util.function.Consumer<String> log) {
        ModelPreparation.Prepared p = ModelPreparation.prepare(model, log);
        return ModelState.of(p.model()).withSection(p.report());
    }

    /**
     * Whether {@link #prepared} had to repair the model as given for ONNX Runtime to load it (see
     * {@code ModelPreparation.Prepared#repaired}); false for a state without a preparation section.
     */
    public static boolean repaired(ModelState state) {
        return state.section(dev.sparkptq.report.RunReport.PreparationSummary.class)
                .map(ModelPreparation.Prepared::repaired).orElse(false);
    }

    /** The steps of the context's algorithm (the base algorithm of an accuracy-aware run), built for this run. */
    public static List<Step> steps(StepContext context) {
        List<Function<StepContext, Step>> steps = ALGORITHMS.get(context.algorithm());
        if (steps == null) {
            throw new InternalException("no steps are registered for " + context.algorithm());
        }
        return steps.stream().map(s -> s.apply(context)).toList();
    }
}
