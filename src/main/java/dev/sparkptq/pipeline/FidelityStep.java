package dev.sparkptq.pipeline;

import dev.sparkptq.config.EngineSection;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.placement.FidelityPlacement;
import dev.sparkptq.placement.FidelityProbe;
import dev.sparkptq.placement.IntegerKernelShare;
import dev.sparkptq.placement.SpeedAwarePlacement;
import dev.sparkptq.plan.FusedBlocks;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.RevertGroups;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.step.ModelState;
import ai.onnx.proto.OnnxMl;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The hook that runs {@link FidelityPlacement} in the base quantization, before the speed guard
 * ({@code engine.fidelity_placement}): fused MAC ops ({@link FusedBlocks#fused}) whose int8 error takes an output
 * below the fidelity floors return to float, the fewest worst first, measured after placement as they will be
 * written. Candidates are rebuilt with the recipe the speed guard and an
 * accuracy-aware search use. An accuracy-aware search starts from the result (its greedy rounds, minutes each, then
 * refine a base already at the floors instead of climbing from a broken one). Not run for models too
 * large to stage in the driver, nor with {@code engine.speed_guard: false} (placement is off then: the planned
 * quantizers are written as planned).
 */
final class FidelityStep {
    /** Calibration samples the probe compares on (as many as the fidelity check reports on). */
    static final int SAMPLES = FidelityCheck.SAMPLES;
    /**
     * The probe's floors: above the 0.99 / 20 dB the fidelity check warns at, because calibration samples flatter
     * (PP-OCRv4 det: 20.4 dB on the probe, 18.8 dB on 48 held-out images).
     */
    static final double COSINE_FLOOR = 0.995;
    static final double SQNR_FLOOR_DB = 22;

    private FidelityStep() {
    }

    /**
     * @param baseline the FP32 model the speed guard compares with, null when it is too large to run in the driver
     *                 (placement is skipped then, and this pass with it)
     */
    static ModelState run(StatisticsBackend backend, Consumer<String> log, PtqConfig config, RunOptions options,
                          ModelState state, QuantizationParams params, String fp32Sha,
                          QuantizationPipeline.Samples samples, RunPasses passes, OnnxMl.ModelProto baseline) {
        if (baseline == null || !applies(config, state, samples)) {
            return state;
        }
        BiFunction<OnnxMl.ModelProto, String, ModelBlob> blobs = (model, name) -> Blobs.of(model,
                options.workDir().resolve(name));
        CandidateRecipe recipe = new CandidateRecipe(state, params, config.sha256(), fp32Sha);
        Function<QuantizationPlan, OnnxMl.ModelProto> build = p -> recipe.build(p, Set.of());
        // measured as it will be written: after placement, which the speed guard runs again (a no-op then)
        SpeedAwarePlacement.Variant placed = new SpeedAwarePlacement(backend.engines(), blobs, options.workDir(), log)
                .placed(state.plan(), state.quantized(), build);
        List<FusedBlocks.Block> blocks = FusedBlocks.fused(ModelGraph.of(state.toQuantize()), placed.plan());
        if (blocks.isEmpty()) {
            return state;
        }
        FidelityProbe probe = new FidelityProbe(backend.engines(), blobs, state.reference(), samples.inputs(SAMPLES));
        if (probe.samples() == 0) {
            return state;
        }
        FidelityPlacement.Outcome outcome = new FidelityPlacement(probe, log).run(new FidelityPlacement.Request(
                placed.plan(), placed.model(), build, blocks, COSINE_FLOOR, SQNR_FLOOR_DB,
                config.engine().fidelityPlacement() == EngineSection.FidelityMode.STRICT));
        ModelState out = state.withSection(outcome.summary());
        if (outcome.plan() == placed.plan()) {
            return out;
        }
        // the reverted points leave the plan as the steps made it: the guard then places (and reports) as always
        QuantizationPlan plan = RevertGroups.without(state.plan(), reverted(placed.plan(), outcome.plan()));
        OnnxMl.ModelProto model = build.apply(plan);
        out = out.withPlan(plan).withQuantized(model);
        try {
            return out.withSection(IntegerKernelShare.measure(model,
                    samples.source().load(samples.selected().get(0)), passes));
        } catch (RuntimeException e) {
            return out.withWarning("the integer-kernel share was not measured: " + e.getMessage());
        }
    }

    /**
     * Off by config; part of placement, so off with {@code engine.speed_guard: false} (the planned quantizers are
     * written as planned); nothing to measure or compare with.
     */
    private static boolean applies(PtqConfig config, ModelState state, QuantizationPipeline.Samples samples) {
        return config.engine().fidelityPlacement() != EngineSection.FidelityMode.OFF && config.engine().speedGuard()
                && state.isQuantized() && state.hasPlan()
                && !samples.selected().isEmpty()
                && ModelIo.initializerBytes(state.quantized()) < Blobs.INLINE_LIMIT;
    }

    /** Ids of the points of {@code placed} that {@code kept} no longer has. */
    private static Set<String> reverted(QuantizationPlan placed, QuantizationPlan kept) {
        Set<String> keptIds = new HashSet<>();
        kept.points().forEach(p -> keptIds.add(p.id()));
        Set<String> reverted = new TreeSet<>();
        placed.points().stream().filter(p -> !keptIds.contains(p.id())).forEach(p -> reverted.add(p.id()));
        return reverted;
    }
}
