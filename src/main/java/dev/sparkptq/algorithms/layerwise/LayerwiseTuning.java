package dev.sparkptq.algorithms.layerwise;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.calibration.LayerwiseRounding;
import dev.sparkptq.config.LayerwiseTuningSpec;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.LayerDepth;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.graph.edit.InitializerValues;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QdqEdits;
import dev.sparkptq.plan.QuantizerParameters;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Passes;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;
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
 * POT's {@code use_layerwise_tuning}, closed form (DefaultQuantization, after MinMax, before bias correction). Layers
 * are tuned level by level ({@link #levels}): for each level one distributed pass ({@link GramJob}) runs the FP32
 * model and the quantized model with the lower levels already tuned, pairs each layer's FP32 input {@code x} with its
 * input in the quantized model {@code x̃} (upstream quantization errors and its own input quantizer included — POT's
 * QuantizeModelFinetuning also tunes on the quantized model's inputs) and accumulates {@code H}, {@code H̃} and
 * {@code C}; on the driver {@link LayerwiseRounding} picks each weight's integer level and each channel's scale. The
 * tuned weight is written as {@code (q − zp)·s}, so the unchanged Q/DQ rewrite, rounding it with the tuned scale,
 * stores exactly those levels (checked here). Bias correction then runs on the tuned model as usual.
 */
public final class LayerwiseTuning implements Step {
    /** Conv patch positions / MatMul rows counted per sample at most. */
    static final int POSITIONS_PER_SAMPLE = 256;
    /** ... and at least (when the sample has that many). */
    static final int MIN_POSITIONS_PER_SAMPLE = 16;
    /**
     * Input vectors aimed for per input dimension over all samples: H of a d-wide input is estimated from about
     * 96·d vectors, spread evenly over the samples (between 16 and 256 per sample). Measured on SqueezeNet INT8 (200
     * calibration images): 24·d gave top-1 agreement with FP32 0.953, 96·d 0.960 (untuned 0.957) for about the same
     * pass time, which inference dominates; the accumulation costs about d² (FP32 inputs) or 2·d² (paired) per vector.
     */
    static final int VECTORS_PER_INPUT = 96;

    private final StepContext context;
    private final Consumer<String> log;

    public LayerwiseTuning(StepContext context) {
        this.context = context;
        this.log = context.log();
    }

    /**
     * The step MinMaxQuantization has in this place: POT tunes layers in DefaultQuantization only, so it warns when
     * {@code use_layerwise_tuning} is set and changes nothing else.
     */
    public static Step ignoredByMinMax(StepContext context) {
        return new Step() {
            @Override
            public String name() {
                return "layerwise_tuning";
            }

            @Override
            public ModelState apply(ModelState state, Statistics statistics) {
                return !context.params().layerwiseTuning().enabled() ? state : state.withWarning("use_layerwise_tuning"
                        + " is a DefaultQuantization step (as in POT); MinMaxQuantization ignores it");
            }
        };
    }

    @Override
    public String name() {
        return "layerwise_tuning";
    }

    /**
     * The state with the tuned weights in the model to quantize, the tuned scales in the parameters and the report
     * section; the state itself when {@code use_layerwise_tuning} is off.
     */
    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        LayerwiseTuningSpec spec = context.params().layerwiseTuning();
        if (!spec.enabled()) {
            return state;
        }
        if (!spec.ignoredKnobs().isEmpty()) {
            state = state.withWarning("use_layerwise_tuning runs a closed-form solver; POT's gradient-descent "
                    + "parameters " + spec.ignoredKnobs() + " have no effect");
        }
        List<SampleRef> calibration = context.passes().calibration();
        List<SampleRef> refs = calibration.subList(0, Math.min(calibration.size(), spec.numSamples()));
        TuningTarget.Selection sel = TuningTarget.select(state.plan(), state.graph(), state.parameters(),
                d -> positions(d, refs.size()));
        if (sel.targets().isEmpty() || refs.isEmpty()) {
            return state.withSection(summary(true, refs.size(), 0, List.of(), sel.skipped()));
        }
        return tune(state, sel, refs, spec);
    }

    private ModelState tune(ModelState start, TuningTarget.Selection sel, List<SampleRef> refs,
                            LayerwiseTuningSpec spec) {
        ModelGraph graph = start.graph();
        boolean paired = spec.inputs() == LayerwiseTuningSpec.Inputs.QUANTIZED;
        List<List<TuningTarget>> levels = paired ? levels(sel.targets(), graph) : List.of(sel.targets());
        Pass pass = new Pass(start.model(), graph, sel.targets(), refs, context.passes().partitions(refs.size()),
                spec.randomSeed(), context.passes(), context.params().weightStorage(), start.plan());
        log.accept("layer-wise tuning: " + sel.targets().size() + " layers in " + levels.size() + " dependent levels"
                + " over " + refs.size() + " samples in " + pass.partitions + " partitions");
        State state = new State(start.model(), start.parameters(), List.of());
        for (List<TuningTarget> level : levels) {
            state = tuneLevel(level, state, pass, paired);
        }
        List<RunReport.TunedLayer> layers = state.layers();
        log.accept(String.format(java.util.Locale.ROOT, "layer-wise tuning: %d layers tuned (%d skipped), output MSE "
                + "%.4g -> %.4g summed over layers", layers.size(), sel.skipped().size(),
                layers.stream().mapToDouble(RunReport.TunedLayer::mseNearest).sum(),
                layers.stream().mapToDouble(RunReport.TunedLayer::mseTuned).sum()));
        return start.withToQuantize(state.model()).withParameters(state.qparams())
                .withSection(summary(paired, refs.size(), levels.size(), layers, sel.skipped()));
    }

    /** Positions counted per sample for a {@code dim}-wide input over {@code samples} samples (see the constants). */
    static int positions(int dim, int samples) {
        long wanted = ((long) VECTORS_PER_INPUT * dim + Math.max(1, samples) - 1) / Math.max(1, samples);
        return (int) Math.max(MIN_POSITIONS_PER_SAMPLE, Math.min(POSITIONS_PER_SAMPLE, wanted));
    }

    /** The tuning so far: the model with the tuned weights, the parameters with the tuned scales, the report rows. */
    private record State(OnnxMl.ModelProto model, QuantizerParameters qparams, List<RunReport.TunedLayer> layers) {
    }

    /** What every level's pass shares: the FP32 model with every tuned layer's input exposed (staged once). */
    private static final class Pass {
        final ModelBlob fp32;
        final Set<String> graphInputs = new TreeSet<>();
        final List<SampleRef> refs;
        final int partitions;
        final long seed;
        final Passes passes;
        final QuantizationParams.WeightStorage storage;
        final QuantizationPlan plan;

        Pass(OnnxMl.ModelProto prepared, ModelGraph graph, List<TuningTarget> targets, List<SampleRef> refs,
             int partitions, long seed, Passes passes, QuantizationParams.WeightStorage storage,
             QuantizationPlan plan) {
            graph.inputs().forEach(i -> graphInputs.add(i.name()));
            this.fp32 = passes.stage(GraphRewriter.apply(prepared, expose(targets.stream().map(t -> t.gram().tensor())
                    .toList())), "tune-fp32");
            this.refs = refs;
            this.partitions = partitions;
            this.seed = seed;
            this.passes = passes;
            this.storage = storage;
            this.plan = plan;
        }

        /** The tensors among {@code names} a model must expose (graph inputs come from the sample). */
        List<String> outputs(List<String> names) {
            return names.stream().filter(n -> !graphInputs.contains(n)).distinct().sorted().toList();
        }

        List<GraphEdit> expose(List<String> names) {
            return outputs(names).stream().<GraphEdit>map(GraphEdit.AddOutput::new).toList();
        }
    }

    /**
     * One level: quantize the model as tuned so far, run the pass with each layer's quantized-model input paired with
     * its FP32 input (unless {@code paired} is false: FP32 inputs only, no quantized model), solve the level's layers,
     * and fold their weights and scales into the state.
     */
    private State tuneLevel(List<TuningTarget> level, State state, Pass pass, boolean paired) {
        ModelGraph qg = null;
        OnnxMl.ModelProto q = null;
        if (paired) {
            q = GraphRewriter.apply(state.model(), QdqEdits.of(pass.plan, state.qparams(), pass.storage, List.of()));
            qg = ModelGraph.of(q);
        }
        Map<String, GramSpec> specs = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (TuningTarget t : level) {
            GramSpec spec = qg == null ? t.gram() : t.gram().pairedWith(qg.node(t.node().name())
                    .orElseThrow(() -> new InternalException("layer-wise tuning: node '" + t.node().name()
                            + "' is missing from the quantized model")).inputs().get(0));
            specs.putIfAbsent(spec.key(), spec);
            keys.add(spec.key());
        }
        List<String> qNames = paired ? specs.values().stream().map(GramSpec::pairedTensor).toList() : List.of();
        List<String> fpNames = specs.values().stream().map(GramSpec::tensor).toList();
        ModelBlob qBlob = q == null ? null : pass.passes.stage(GraphRewriter.apply(q, pass.expose(qNames)), "tune-q");
        GramJob job = new GramJob(pass.fp32, pass.outputs(fpNames), qBlob, pass.outputs(qNames),
                List.copyOf(pass.graphInputs), List.copyOf(specs.values()), pass.passes.source(), pass.refs,
                pass.partitions, pass.seed, pass.passes.threads());
        Map<String, GramAccumulator> grams = merged(pass.passes.run(job));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Map<String, QuantParams> tuned = new LinkedHashMap<>();
        List<RunReport.TunedLayer> layers = new ArrayList<>(state.layers());
        GramResult h = null;
        for (int i = 0; i < level.size(); i++) {
            TuningTarget t = level.get(i);
            if (h == null || !h.spec().key().equals(keys.get(i))) {
                h = grams.get(keys.get(i)).result(); // one full set of matrices at a time; neighbours share it
            }
            LayerwiseRounding.Solution s = LayerwiseRounding.solve(layer(t, h));
            weights.put(t.point().tensor(), tunedWeight(t, s));
            tuned.put(t.point().id(), withScales(t.params(), s.scale()));
            double norm = (double) Math.max(1, h.vectors()) * t.channels();
            layers.add(new RunReport.TunedLayer(t.node().name(), t.point().tensor(), t.dim(), t.gram().groups(),
                    t.channels(), h.vectors(), s.errorNearest() / norm, s.errorTuned() / norm, s.channelsNearest(),
                    s.channelsRefit()));
        }
        return new State(InitializerValues.replace(state.model(), weights), state.qparams().with(pass.plan, tuned),
                List.copyOf(layers));
    }

    /** The partials merged in task order (deterministic for a given partitioning), by spec key. */
    private static Map<String, GramAccumulator> merged(List<GramJob.Partial> parts) {
        List<GramAccumulator> total = parts.get(0).accumulators;
        for (GramJob.Partial p : parts.subList(1, parts.size())) {
            for (int i = 0; i < total.size(); i++) {
                total.get(i).merge(p.accumulators.get(i));
            }
        }
        Map<String, GramAccumulator> out = new LinkedHashMap<>();
        total.forEach(a -> out.put(a.spec().key(), a));
        return out;
    }

    /**
     * The targets grouped by dependency level ({@link LayerDepth#levels}): a layer's quantized-model input depends only on
     * layers of lower levels, so every layer of a level is tuned from one pass after the lower levels are done
     * (SqueezeNet's expand 1×1/3×3 pairs share one).
     */
    static List<List<TuningTarget>> levels(List<TuningTarget> targets, ModelGraph graph) {
        return LayerDepth.levels(targets, TuningTarget::node, graph);
    }

    private static LayerwiseRounding.Layer layer(TuningTarget t, GramResult h) {
        QuantParams q = t.params();
        return new LayerwiseRounding.Layer(t.rows(), h.matrices(), h.quantized(), h.cross(), t.dim(),
                t.channelScales(), t.channelZeroPoints(), q.levelLow(), q.levelHigh(),
                q.perChannel() ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR);
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

    private static RunReport.LayerwiseTuningSummary summary(boolean paired, int samples, int levels,
                                                            List<RunReport.TunedLayer> layers,
                                                            List<RunReport.SkippedLayer> skipped) {
        return new RunReport.LayerwiseTuningSummary("closed form, " + (levels > 1 || paired
                ? "level by level on the quantized model's inputs" : "on the FP32 inputs") + ": error-feedback "
                + "rounding of H̃⁻¹Cᵀw through H̃⁻¹ (damping " + LayerwiseRounding.DAMPING
                + "·mean diag H̃) + least-squares scale refit", samples, levels,
                POSITIONS_PER_SAMPLE, TuningTarget.MAX_DIM, layers, skipped);
    }
}
