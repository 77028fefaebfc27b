package dev.sparkptq.algorithms.biascorrection;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.BiasCorrectionSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.LayerDepth;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.InitializerValues;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.Passes;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * POT's/NNCF's BiasCorrection ({@code use_fast_bias: false}): each biased layer's quantized output mean per channel is
 * measured by running the quantized model — with every bias upstream already corrected — on a small subset, compared
 * with the FP32 model's mean on the same samples, and the difference is added to the bias when
 * {@code max |shift / bias|} is below the threshold (default 1000) or with {@code apply_for_all_nodes}.
 *
 * <p>POT builds and runs one sub-model per layer. Here the layers are grouped by <em>bias depth</em>: the number of
 * biased layers on the longest path from the inputs to a layer's input. A layer's output mean depends only on the
 * biases of layers strictly upstream, which all have a smaller depth, so every layer of one depth can be measured in the
 * same pass after the previous depths are corrected: the result is the same as POT's layer-by-layer order, with one
 * distributed pass per depth (SqueezeNet: 26 layers, fewer depths — the expand 1×1/3×3 pairs share one) plus one
 * FP32 pass. Each pass runs through {@link StatisticsBackend}, so on Spark it is one job over the subset.
 *
 * <p>The subset is POT's: the first {@code max(int(0.2 · n), 1)} of the {@code n} calibration samples.
 */
final class FullBiasCorrection {
    private final Passes passes;
    private final Consumer<String> log;

    FullBiasCorrection(Passes passes, Consumer<String> log) {
        this.passes = passes;
        this.log = log;
    }


    /** POT's subset size for the full correction. */
    static int subsetSize(int calibrationSamples) {
        return Math.max((int) (0.2 * calibrationSamples), 1);
    }

    FastBiasCorrection.Outcome run(List<BiasTarget> targets, ModelGraph graph, OnnxMl.ModelProto fp32,
                                   OnnxMl.ModelProto quantized, BiasCorrectionSpec spec) {
        List<SampleRef> calibration = passes.calibration();
        List<SampleRef> subset = calibration.subList(0, Math.min(calibration.size(), subsetSize(calibration.size())));
        List<List<BiasTarget>> levels = LayerDepth.levels(targets, BiasTarget::node, graph);
        log.accept("bias correction (full): " + targets.size() + " layers in " + levels.size() + " dependent "
                + "groups over " + subset.size() + " samples");
        Map<StatisticSpec, StatResult> reference = means(fp32, targets, subset, "bc-fp32");
        Map<String, Tensor> biases = new LinkedHashMap<>();
        List<RunReport.BiasEntry> corrected = new ArrayList<>();
        List<RunReport.BiasEntry> skipped = new ArrayList<>();
        OnnxMl.ModelProto current = quantized;
        for (List<BiasTarget> level : levels) {
            Map<StatisticSpec, StatResult> q = means(current, level, subset, "bc-q");
            Map<String, Tensor> step = new LinkedHashMap<>();
            for (BiasTarget t : level) {
                decide(t, graph, reference, q, spec, step, corrected, skipped);
            }
            biases.putAll(step);
            current = InitializerValues.replace(current, step);
        }
        return new FastBiasCorrection.Outcome(biases, new RunReport.BiasCorrectionSummary("full", spec.threshold(),
                spec.applyForAllNodes(), targets.size(), corrected, skipped));
    }

    /** Computes one layer's shift and either records the corrected bias in {@code step} or the reason it was not. */
    private static void decide(BiasTarget t, ModelGraph graph, Map<StatisticSpec, StatResult> fp32,
                               Map<StatisticSpec, StatResult> q, BiasCorrectionSpec spec, Map<String, Tensor> step,
                               List<RunReport.BiasEntry> corrected, List<RunReport.BiasEntry> skipped) {
        StatResult a = fp32.get(BiasTarget.outputMean(t));
        StatResult b = q.get(BiasTarget.outputMean(t));
        Tensor bias = graph.constantValue(t.bias()).orElse(null);
        double beta = t.node().opType().equals("Gemm") ? t.node().floatAttr("beta", 1f) : 1.0;
        if (a == null || b == null || bias == null || bias.dtype() != DType.FLOAT || a.length() != bias.numel()
                || b.length() != bias.numel() || beta == 0 || !finite(a.values()) || !finite(b.values())) {
            skipped.add(new RunReport.BiasEntry(t.node().name(), t.bias(), null, Double.NaN,
                    "no finite per-channel output mean matching the bias (one value per output channel)"));
            return;
        }
        float[] stored = bias.floats();
        double[] effective = new double[stored.length];
        double[] shift = new double[stored.length];
        double maxShift = 0;
        for (int c = 0; c < stored.length; c++) {
            effective[c] = beta * stored[c];
            shift[c] = a.values()[c] - b.values()[c];
            maxShift = Math.max(maxShift, Math.abs(shift[c]));
        }
        double magnitude = BiasShift.magnitude(effective, shift);
        Double shown = Double.isFinite(magnitude) ? magnitude : null;
        if (!spec.applyForAllNodes() && !(magnitude < spec.threshold())) {
            skipped.add(new RunReport.BiasEntry(t.node().name(), t.bias(), shown, maxShift, "relative shift "
                    + (shown == null ? "infinite (a bias element is zero)" : shown) + " is not below threshold "
                    + spec.threshold()));
            return;
        }
        float[] v = new float[stored.length];
        for (int c = 0; c < v.length; c++) {
            v[c] = (float) (stored[c] + shift[c] / beta);
        }
        step.put(t.bias(), Tensor.ofFloats(bias.shape(), v));
        corrected.add(new RunReport.BiasEntry(t.node().name(), t.bias(), shown, maxShift, null));
    }

    /** Per-channel means of the targets' outputs in {@code model} over the subset: one pass. */
    private Map<StatisticSpec, StatResult> means(OnnxMl.ModelProto model, List<BiasTarget> targets,
                                                 List<SampleRef> subset, String stage) {
        StatisticsRequest request = StatisticsRequest.of(targets.stream().map(BiasTarget::outputMean).toList());
        return passes.collect(model, request, subset, stage).results();
    }

    private static boolean finite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return v.length > 0;
    }
}
