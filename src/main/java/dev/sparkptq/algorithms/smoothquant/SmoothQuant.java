package dev.sparkptq.algorithms.smoothquant;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.SmoothQuantSpec;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.CopiedDimReshapes;
import dev.sparkptq.plan.KeyBiasDrop;
import dev.sparkptq.plan.SmoothQuantGroups;
import dev.sparkptq.plan.SmoothQuantScales;
import dev.sparkptq.plan.SmoothingGroup;
import dev.sparkptq.plan.ValueBiasMove;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Passes;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticsSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * NNCF's SmoothQuant step, run before MinMax on the prepared FP32 model: finds the weighted MatMul/Gemm groups
 * ({@link SmoothQuantGroups}), collects each group activation's per-channel abs-max in one statistics pass over the
 * calibration samples, and returns the smoothed model ({@link SmoothQuantScales}), whose FP32 outputs equal the
 * original's up to float rounding. The rest of the pipeline (plan, MinMax, bias correction) then runs on it. It also
 * pins exported dynamic Reshape shapes ({@link CopiedDimReshapes}), so that ONNX Runtime's reshape fusion is not lost
 * once quantizers sit next to the attention head split/merge, drops attention's key biases ({@link KeyBiasDrop}) and
 * moves its value biases into the output projection's bias ({@link ValueBiasMove}): exact rewrites, made before the
 * statistics pass, that leave ONNX Runtime fewer nodes to run.
 */
public final class SmoothQuant implements Step {
    private final StepContext context;
    private final Consumer<String> log;

    public SmoothQuant(StepContext context) {
        this.context = context;
        this.log = context.log();
    }

    @Override
    public String name() {
        return "smooth_quant";
    }

    @Override
    public boolean rewritesModel() {
        return true;
    }

    /** Its statistics are of a probed copy of the model: collected by a pass of its own. */
    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        OnnxMl.ModelProto smoothed = smooth(state.model());
        return smoothed == state.model() ? state : state.withModel(smoothed);
    }

    /** The smoothed model, or {@code prepared} itself when the params switch SmoothQuant off or nothing fits. */
    OnnxMl.ModelProto smooth(OnnxMl.ModelProto prepared) {
        SmoothQuantSpec spec = context.params().smoothQuant();
        if (spec == null || spec.matmul() < 0) {
            return prepared;
        }
        ModelGraph original = ModelGraph.of(prepared);
        List<GraphEdit> reshapes = CopiedDimReshapes.edits(original);
        List<GraphEdit> keyBiases = KeyBiasDrop.edits(original);
        List<GraphEdit> valueBiases = ValueBiasMove.edits(original);
        List<GraphEdit> exact = new ArrayList<>(reshapes);
        exact.addAll(keyBiases);
        exact.addAll(valueBiases);
        OnnxMl.ModelProto simplified = exact.isEmpty() ? prepared : GraphRewriter.apply(prepared, exact);
        List<SmoothingGroup> groups = SmoothQuantGroups.find(ModelGraph.of(simplified), context.params().ignored());
        if (groups.isEmpty()) {
            log.accept("smooth quant: no MatMul/Gemm with a constant weight to smooth");
            return prepared;
        }
        Map<String, double[]> absMax = absMax(simplified, groups);
        List<double[]> scales = new ArrayList<>();
        for (SmoothingGroup g : groups) {
            scales.add(SmoothQuantScales.scales(g, absMax.get(g.activation()), spec.matmul()));
        }
        long folded = groups.stream().filter(g -> g.fold() != null).count();
        log.accept("smooth quant (alpha " + spec.matmul() + "): " + groups.size() + " activations of "
                + groups.stream().mapToInt(g -> g.members().size()).sum() + " MatMul/Gemm ops smoothed ("
                + folded + " folded into constants upstream, " + (groups.size() - folded) + " by a Mul); "
                + reshapes.size() + " dynamic Reshape shapes made constant, " + keyBiases.size()
                + " attention key biases dropped (the softmax cancels them), " + valueBiases.size() / 2
                + " value biases moved into the output projection's bias");
        return GraphRewriter.apply(simplified, SmoothQuantScales.edits(groups, scales));
    }

    /** One statistics pass: per-channel abs-max (max over samples) of every group's activation. */
    private Map<String, double[]> absMax(OnnxMl.ModelProto prepared, List<SmoothingGroup> groups) {
        OnnxMl.ModelProto probed = SmoothQuantProbes.add(prepared, groups);
        Passes passes = context.passes();
        log.accept("smooth quant: collecting per-channel abs-max of " + groups.size() + " activations over "
                + passes.calibration().size() + " samples");
        StatisticsSet stats = passes.collect(probed, StatisticsRequest.of(groups.stream()
                .map(SmoothingGroup::statistic).toList()), passes.calibration(), "smooth-quant");
        stats.requireComplete();
        Map<String, double[]> out = new java.util.HashMap<>();
        for (SmoothingGroup g : groups) {
            StatResult r = stats.results().get(g.statistic());
            out.put(g.activation(), r.values());
        }
        return out;
    }
}
