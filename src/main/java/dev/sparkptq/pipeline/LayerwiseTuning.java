package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.calibration.LayerwiseRounding;
import dev.sparkptq.config.LayerwiseTuningSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.stats.GramAccumulator;
import dev.sparkptq.stats.GramResult;
import dev.sparkptq.stats.GramSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * POT's {@code use_layerwise_tuning}, closed form (DefaultQuantization, after MinMax, before bias correction): one
 * distributed pass accumulates every tunable layer's input second moments {@code H} ({@link GramJob}); on the driver
 * {@link LayerwiseRounding} picks each weight's integer level and each channel's scale; the tuned weight is written as
 * {@code (q − zp)·s}, so the unchanged Q/DQ rewrite, rounding it with the tuned scale, stores exactly those levels
 * (checked here). Bias correction then runs on the tuned model as usual.
 */
final class LayerwiseTuning {
    /** Conv patch positions / MatMul rows counted per sample at most: keeps the pass near one inference's cost. */
    static final int POSITIONS_PER_SAMPLE = 256;

    private final StatisticsBackend backend;
    private final Consumer<String> log;

    LayerwiseTuning(StatisticsBackend backend, Consumer<String> log) {
        this.backend = backend;
        this.log = log;
    }

    /**
     * @param model   the model to quantize, with the tuned weights (the input model when tuning is off)
     * @param graph   its graph
     * @param qparams the quantizer parameters, with the tuned weight scales
     * @param summary for report.json; null when tuning is off
     */
    record Outcome(OnnxMl.ModelProto model, ModelGraph graph, QuantizerParameters qparams,
                   RunReport.LayerwiseTuningSummary summary) {
    }

    Outcome runIfEnabled(LayerwiseTuningSpec spec, OnnxMl.ModelProto prepared, ModelGraph graph,
                         QuantizationPlan plan, QuantizerParameters qparams, PassInputs passes,
                         List<String> warnings) {
        if (!spec.enabled()) {
            return new Outcome(prepared, graph, qparams, null);
        }
        if (!spec.ignoredKnobs().isEmpty()) {
            warnings.add("use_layerwise_tuning runs a closed-form solver; POT's gradient-descent parameters "
                    + spec.ignoredKnobs() + " have no effect");
        }
        TuningTarget.Selection sel = TuningTarget.select(plan, graph, qparams, POSITIONS_PER_SAMPLE);
        List<SampleRef> refs = passes.calibration().subList(0, Math.min(passes.calibration().size(),
                spec.numSamples()));
        if (sel.targets().isEmpty() || refs.isEmpty()) {
            return new Outcome(prepared, graph, qparams, summary(refs.size(), List.of(), sel.skipped()));
        }
        Map<String, GramResult> grams = collect(sel.targets(), prepared, graph, refs, passes, spec.randomSeed());
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Map<String, QuantParams> tunedParams = new LinkedHashMap<>();
        List<RunReport.TunedLayer> layers = new ArrayList<>();
        for (TuningTarget t : sel.targets()) {
            GramResult h = grams.get(t.gram().key());
            LayerwiseRounding.Solution s = LayerwiseRounding.solve(layer(t, h));
            weights.put(t.point().tensor(), tunedWeight(t, s));
            tunedParams.put(t.point().id(), withScales(t.params(), s.scale()));
            double norm = (double) Math.max(1, h.vectors()) * t.channels();
            layers.add(new RunReport.TunedLayer(t.node().name(), t.point().tensor(), t.dim(), t.gram().groups(),
                    t.channels(), h.vectors(), s.errorNearest() / norm, s.errorTuned() / norm, s.channelsNearest(),
                    s.channelsRefit()));
        }
        log.accept(String.format(java.util.Locale.ROOT, "layer-wise tuning: %d layers tuned (%d skipped), output MSE "
                + "%.4g -> %.4g summed over layers", layers.size(), sel.skipped().size(),
                layers.stream().mapToDouble(RunReport.TunedLayer::mseNearest).sum(),
                layers.stream().mapToDouble(RunReport.TunedLayer::mseTuned).sum()));
        OnnxMl.ModelProto tuned = BiasInitializers.replace(prepared, weights);
        return new Outcome(tuned, ModelGraph.of(tuned), replace(plan, qparams, tunedParams),
                summary(refs.size(), layers, sel.skipped()));
    }

    /** The H pass: one task per partition, partials merged in task order (deterministic for a partitioning). */
    private Map<String, GramResult> collect(List<TuningTarget> targets, OnnxMl.ModelProto prepared, ModelGraph graph,
                                            List<SampleRef> refs, PassInputs passes, long seed) {
        Map<String, GramSpec> specs = new LinkedHashMap<>();
        targets.forEach(t -> specs.putIfAbsent(t.gram().key(), t.gram()));
        Set<String> graphInputs = new TreeSet<>();
        graph.inputs().forEach(i -> graphInputs.add(i.name()));
        Set<String> outputs = new TreeSet<>();
        Set<String> fromSample = new TreeSet<>();
        specs.values().forEach(s -> (graphInputs.contains(s.tensor()) ? fromSample : outputs).add(s.tensor()));
        List<GraphEdit> expose = outputs.stream().<GraphEdit>map(GraphEdit.AddOutput::new).toList();
        int partitions = Math.max(1, Math.min(passes.partitions(), refs.size()));
        log.accept("layer-wise tuning: input second moments of " + targets.size() + " layers (" + specs.size()
                + " distinct inputs) over " + refs.size() + " samples in " + partitions + " partitions");
        GramJob job = new GramJob(Blobs.of(GraphRewriter.apply(prepared, expose), passes.workDir().resolve("tune")),
                List.copyOf(outputs), List.copyOf(fromSample), List.copyOf(specs.values()), passes.source(), refs,
                partitions, seed, passes.threads());
        List<GramJob.Partial> parts = backend.runIndexed(job);
        List<GramAccumulator> total = parts.get(0).accumulators;
        for (GramJob.Partial p : parts.subList(1, parts.size())) {
            for (int i = 0; i < total.size(); i++) {
                total.get(i).merge(p.accumulators.get(i));
            }
        }
        Map<String, GramResult> out = new LinkedHashMap<>();
        total.forEach(a -> out.put(a.spec().key(), a.result()));
        return out;
    }

    private static LayerwiseRounding.Layer layer(TuningTarget t, GramResult h) {
        QuantParams q = t.params();
        return new LayerwiseRounding.Layer(t.rows(), h.matrices(), t.dim(), t.channelScales(), t.channelZeroPoints(),
                q.levelLow(), q.levelHigh(), q.perChannel() ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR);
    }

    /**
     * {@code (q − zp)·s} per element, checked to round back to {@code q} exactly as the Q/DQ rewrite will
     * ({@link QuantMath#quantize} with the tuned scale).
     */
    static Tensor tunedWeight(TuningTarget t, LayerwiseRounding.Solution s) {
        int[] zp = t.channelZeroPoints();
        float[][] rows = new float[t.channels()][t.dim()];
        for (int c = 0; c < rows.length; c++) {
            for (int i = 0; i < t.dim(); i++) {
                int q = s.levels()[c][i];
                rows[c][i] = QuantMath.dequantize(q, s.scale()[c], zp[c]);
                int back = QuantMath.quantize(rows[c][i], s.scale()[c], zp[c], t.params().levelLow(),
                        t.params().levelHigh());
                if (back != q) {
                    throw new InternalException("layer-wise tuning: weight '" + t.point().tensor() + "' level " + q
                            + " does not survive the Q/DQ rewrite (rounds to " + back + "); report this bug");
                }
            }
        }
        return t.withRows(rows);
    }

    /** {@code p} with new scales (per channel, or the common one for a per-tensor quantizer). */
    static QuantParams withScales(QuantParams p, float[] channelScales) {
        float[] s = p.perChannel() ? channelScales.clone() : new float[] {channelScales[0]};
        return new QuantParams(s, p.zeroPoint(), p.axis(), p.storage(), p.levelLow(), p.levelHigh());
    }

    /** {@code qparams} with the tuned points' parameters replaced (and those of points tied to them). */
    private static QuantizerParameters replace(QuantizationPlan plan, QuantizerParameters qparams,
                                               Map<String, QuantParams> tuned) {
        Map<String, QuantParams> params = new java.util.TreeMap<>(qparams.params());
        params.putAll(tuned);
        for (QuantizationPoint p : plan.points()) {
            if (p.tiedTo() != null && tuned.containsKey(p.tiedTo())) {
                params.put(p.id(), tuned.get(p.tiedTo()));
            }
        }
        return new QuantizerParameters(params, qparams.ranges());
    }

    private static RunReport.LayerwiseTuningSummary summary(int samples, List<RunReport.TunedLayer> layers,
                                                            List<RunReport.SkippedLayer> skipped) {
        return new RunReport.LayerwiseTuningSummary("closed form: error-feedback rounding through H^-1 (damping "
                + LayerwiseRounding.DAMPING + "·mean diag H) + least-squares scale refit", samples,
                POSITIONS_PER_SAMPLE, TuningTarget.MAX_DIM, layers, skipped);
    }
}
