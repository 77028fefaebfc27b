package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The driver-side step after quantizing: placement by the runtime's optimized graph (structural, deterministic:
 * {@link Placement}), then, with {@code engine.speed_guard}, the speed guard: time the FP32 model against the
 * quantized one in interleaved rounds on calibration samples; profile both per node and return ops whose integer
 * kernel is clearly slower than their float one ({@link SlowIntegerOps}), keeping that variant only when timing
 * confirms it is faster; finally, when the best quantized model is still not {@link #REQUIRED_SPEEDUP} faster than
 * FP32, write the FP32 model with a warning — never a slower model.
 *
 * <p>Determinism: structure decides first (the runtime's graph is a function of the model), per-node profiles with
 * clear margins decide which ops return to float, and timing only confirms. The decisions are recorded in the report;
 * {@code speed_guard: false} turns the whole step off (the plan's quantizers are written as planned) and gives
 * byte-identical models run after run. Quantization the runtime can only emulate in float (activations of other than
 * 8 bits, narrowed levels) is left alone: its numerics are what the user asked for.
 */
public final class SpeedAwarePlacement {
    /** The quantized model must be at least this much faster than FP32 (measured) to be written. */
    public static final double REQUIRED_SPEEDUP = 1.03;
    /** Interleaved timing rounds per comparison. */
    static final int ROUNDS = 5;
    /** Target duration of one model's share of a round, ms (sizes the number of passes). */
    static final double ROUND_TARGET_MS = 60;
    /** Target duration of one profile, ms of inference. */
    static final double PROFILE_TARGET_MS = 250;
    /** Calibration samples timed. */
    static final int TIMED_SAMPLES = 4;
    /** Placement passes (a second one catches chains the first removal uncovers). */
    static final int PLACEMENT_ROUNDS = 3;

    /**
     * What the step needs.
     *
     * @param fp32      the FP32 model as the user gave it (timed against)
     * @param reference the prepared FP32 model (same node names as the quantized graph; profiled for attribution)
     * @param plan      the plan the quantized model was built from
     * @param quantized the quantized model
     * @param build     rebuilds the quantized model for a sub-plan of {@code plan}
     * @param fallback  the model to write when quantizing does not pay (the FP32 model with provenance metadata)
     * @param preparedFallback the same for {@code reference}, written instead when the runtime runs it faster
     * @param samples   calibration inputs to time on
     * @param threads   intra-op threads (as inference is configured)
     * @param guard     {@code engine.speed_guard}
     */
    public record Request(OnnxMl.ModelProto fp32, OnnxMl.ModelProto reference, QuantizationPlan plan,
                          OnnxMl.ModelProto quantized, Function<QuantizationPlan, OnnxMl.ModelProto> build,
                          OnnxMl.ModelProto fallback, OnnxMl.ModelProto preparedFallback,
                          List<Map<String, Tensor>> samples, int threads,
                          boolean guard) {
    }

    /** The model to write, its plan (empty on a fallback) and what happened. */
    public record Outcome(OnnxMl.ModelProto model, QuantizationPlan plan, boolean fp32Fallback,
                          RunReport.SpeedSummary summary) {
    }

    private final EngineFactory engines;
    private final BiFunction<OnnxMl.ModelProto, String, ModelBlob> blobs;
    private final Path workDir;
    private final Consumer<String> log;

    /**
     * @param blobs   stages a model for the runtime under a short name (bytes, or a file for very large models)
     * @param workDir where the runtime's optimized graphs and profiles are written (and deleted)
     */
    public SpeedAwarePlacement(EngineFactory engines, BiFunction<OnnxMl.ModelProto, String, ModelBlob> blobs,
                               Path workDir, Consumer<String> log) {
        this.engines = engines;
        this.blobs = blobs;
        this.workDir = workDir;
        this.log = log;
    }

    /** The report section of a run where placement and the guard did not run, with the reason as a warning. */
    public static RunReport.SpeedSummary skipped(boolean guard, int threads, String outcome, String warning) {
        return new RunReport.SpeedSummary(guard, threads, null, 0, 0, null, null, null, null, null, null, outcome,
                java.util.Map.of(), List.of(), List.of(), null, null, 0, warning);
    }

    public Outcome run(Request r) {
        if (!r.guard()) {
            return new Outcome(r.quantized(), r.plan(), false, skipped(false, r.threads(), "off", null));
        }
        String emulated = emulated(r.plan());
        if (emulated != null) {
            log.accept("placement and speed guard skipped: " + emulated);
            return new Outcome(r.quantized(), r.plan(), false, skipped(true, r.threads(), "emulated", null));
        }
        long start = System.nanoTime();
        List<Placement.Removal> removed = new ArrayList<>();
        Variant placed = place(new Variant(r.plan(), r.quantized()), r.build(), removed);
        if (!removed.isEmpty()) {
            log.accept("placement: removed " + removed.size() + " quantizers feeding no integer kernel "
                    + Placement.counts(removed));
        }
        if (r.samples().isEmpty()) {
            return new Outcome(placed.model(), placed.plan(), false, GuardReport.untimed(true, r.threads(),
                    removed, elapsedMs(start)));
        }
        GuardTiming timing = new GuardTiming(engines, blobs, workDir, r.threads(),
                r.samples().subList(0, Math.min(TIMED_SAMPLES, r.samples().size())));
        try {
            return guard(r, placed, removed, timing, start);
        } finally {
            timing.close();
        }
    }

    private Outcome guard(Request r, Variant placed, List<Placement.Removal> removed, GuardTiming timing,
                          long start) {
        GuardTiming.Comparison first = timing.compare(r.fp32(), List.of(placed.model(), r.reference()));
        double prepared = first.speedup(1);
        log.accept(String.format(java.util.Locale.ROOT, "speed guard: FP32 %.3f ms, INT8 %.3f ms per sample "
                + "(%.2fx, %s, %d thread%s; the prepared FP32 graph %.2fx)", first.fp32Ms(), first.ms(0),
                first.speedup(0), timing.clock().label(), r.threads(), r.threads() == 1 ? "" : "s", prepared));
        Chosen best = best(r, placed, timing, first);
        removed.addAll(best.candidate().removals());
        if (best.ratio() < Math.max(1.0, prepared) * REQUIRED_SPEEDUP) {
            return fallback(r, timing, first, first, best.ratio(), null, removed, start);
        }
        return confirmed(r, best.candidate(), timing, first, removed, start);
    }

    /** The variant timing picked and its median speed-up over FP32. */
    private record Chosen(Candidate candidate, double ratio) {
    }

    /**
     * The model as placed, or the variant the per-node profiles suggest when timing them side by side says it beats
     * the placed model by {@link #CONFIRM}.
     */
    private Chosen best(Request r, Variant placed, GuardTiming timing, GuardTiming.Comparison first) {
        List<Candidate> candidates = candidates(r, placed, timing);
        Candidate best = new Candidate("as placed", placed, List.of(), List.of());
        if (candidates.isEmpty()) {
            return new Chosen(best, first.speedup(0));
        }
        List<OnnxMl.ModelProto> models = new ArrayList<>(List.of(placed.model()));
        candidates.forEach(c -> models.add(c.variant().model()));
        GuardTiming.Comparison again = timing.compare(r.fp32(), models);
        double bestRatio = again.speedup(0);
        StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT,
                "speed guard: as placed %.2fx", again.speedup(0)));
        for (int i = 0; i < candidates.size(); i++) {
            double ratio = again.speedup(i + 1);
            line.append(String.format(java.util.Locale.ROOT, ", %s %.2fx", candidates.get(i).label(), ratio));
            if (ratio > bestRatio * CONFIRM) {
                best = candidates.get(i);
                bestRatio = ratio;
            }
        }
        log.accept(line.toString());
        return new Chosen(best, bestRatio);
    }

    /**
     * Faster by the median, but is it clearly so? The chosen model is timed again over {@link #CONFIRM_ROUNDS}
     * rounds against FP32 and the prepared FP32 graph, and written only when its median speed-up still passes
     * {@link #REQUIRED_SPEEDUP} and its lower bound ({@link GuardTiming.Comparison#lowerBound}) is at least 1.0
     * against the faster float model: a margin inside the rounds' spread is not a speed-up.
     */
    private Outcome confirmed(Request r, Candidate best, GuardTiming timing, GuardTiming.Comparison first,
                              List<Placement.Removal> removed, long start) {
        GuardTiming.Comparison confirm = timing.compare(r.fp32(), List.of(best.variant().model(), r.reference()),
                CONFIRM_ROUNDS);
        double ratio = confirm.speedup(0);
        double prepared = confirm.speedup(1);
        double low = confirm.lowerBound(0);
        double lowVsFloat = prepared > CONFIRM ? Math.min(low, confirm.lowerBound(0, 1)) : low;
        log.accept(String.format(java.util.Locale.ROOT, "speed guard: confirmed over %d rounds: %.2fx (lower bound "
                + "%.2fx), the prepared FP32 graph %.2fx", confirm.rounds(), ratio, low, prepared));
        if (ratio < Math.max(1.0, prepared) * REQUIRED_SPEEDUP || lowVsFloat < 1.0) {
            return fallback(r, timing, first, confirm, ratio, low, removed, start);
        }
        String outcome = best.returned().isEmpty() ? "kept" : "ops_returned_to_float";
        return new Outcome(best.variant().model(), best.variant().plan(), false, GuardReport.of(timing, first,
                confirm.ms(0), ratio, low, outcome, removed, best.returned(), elapsedMs(start), null));
    }

    /**
     * The float model to write when quantizing does not pay: the FP32 model as given, or the prepared FP32 graph
     * (an exact rewrite: opset upgrade, constant folding) when ONNX Runtime runs that one clearly faster according to
     * {@code decided}, the comparison that made the verdict ({@code low}: its lower bound, null before a
     * confirmation).
     */
    private Outcome fallback(Request r, GuardTiming timing, GuardTiming.Comparison first,
                             GuardTiming.Comparison decided, double bestRatio, Double low,
                             List<Placement.Removal> removed, long start) {
        double prepared = decided.speedup(1);
        boolean usePrepared = prepared > CONFIRM;
        String measured = low == null ? String.format(java.util.Locale.ROOT, "%.2fx", bestRatio)
                : String.format(java.util.Locale.ROOT, "%.2fx, lower bound %.2fx over %d rounds", bestRatio, low,
                decided.rounds());
        String warning = String.format(java.util.Locale.ROOT, "the quantized model was not %sfaster than FP32 "
                + "(%s on %s time, %d thread%s): the output is the %s; set engine.speed_guard false to write the "
                + "quantized model anyway", low == null ? "" : "clearly ", measured, timing.clock().label(),
                r.threads(), r.threads() == 1 ? "" : "s",
                usePrepared ? String.format(java.util.Locale.ROOT, "FP32 model as prepared for quantization (an exact "
                        + "rewrite ONNX Runtime runs %.2fx faster than the original)", prepared) : "FP32 model");
        log.accept("speed guard: " + warning);
        return new Outcome(usePrepared ? r.preparedFallback() : r.fallback(),
                new QuantizationPlan(List.of(), java.util.Set.of(), r.plan().notes()), true,
                GuardReport.of(timing, first, usePrepared ? decided.ms(1) : first.fp32Ms(), usePrepared ? prepared : 1.0,
                        null, "fp32_fallback", removed, List.of(), elapsedMs(start), warning));
    }

    /**
     * Why the plan's quantizers cannot run as ONNX Runtime's integer kernels whatever their placement, or null: other
     * bit widths than 8, or levels narrower than the storage type, are emulated by Q/DQ pairs (and clamps) in float —
     * the user asked for that numerics (a 4-bit accuracy study, a 7-bit activation), so nothing is removed or timed.
     */
    static String emulated(QuantizationPlan plan) {
        for (var p : plan.points()) {
            var spec = p.spec();
            boolean activation = p.kind() == dev.sparkptq.plan.PointKind.ACTIVATION;
            boolean narrowed = activation && (spec.levelLow() != null || spec.levelHigh() != null);
            // weights of fewer bits are stored in int8 all the same (the 7-bit first layer of the overflow fix)
            if (activation && spec.bits() != 8 || !activation && spec.bits() > 8 || narrowed) {
                return "'" + p.tensor() + "' is quantized to " + spec.bits() + " bits"
                        + (narrowed ? " with narrowed levels" : "") + ", which ONNX Runtime emulates in float";
            }
        }
        return null;
    }

    /** A candidate must beat the current model by this factor (timing noise must not flip the choice). */
    static final double CONFIRM = 1.02;
    /** Rounds of the confirmation that decides whether the quantized model is written (lower bound: 4th slowest). */
    static final int CONFIRM_ROUNDS = 15;

    /** A variant the guard times against the placed model, and what it returned to float. */
    record Candidate(String label, Variant variant, List<Placement.Removal> removals,
                     List<SlowIntegerOps.SlowOp> returned) {
    }

    /**
     * The variants the two per-node profiles suggest: the stem (a prefix of the graph) in float, and the single ops
     * whose integer kernel is clearly slower than their float one in float.
     */
    private List<Candidate> candidates(Request r, Variant placed, GuardTiming timing) {
        ProfileAttribution fp32 = ProfileAttribution.of(timing.profile(r.reference(), "guard-reference"),
                ModelGraph.of(r.reference()));
        ModelGraph graph = ModelGraph.of(placed.model());
        ProfileAttribution int8 = ProfileAttribution.of(timing.profile(placed.model(), "guard-int8"), graph);
        List<Candidate> out = new ArrayList<>();
        List<String> prefix = SlowIntegerOps.floatPrefix(fp32, int8, graph, placed.plan(),
                SlowIntegerOps.SHARE_OF_MODEL);
        if (!prefix.isEmpty()) {
            Candidate c = candidate("first " + prefix.size() + " ops in float", r, placed,
                    SlowIntegerOps.floatNodes(placed.plan(), prefix), returned(prefix, placed.plan(), fp32, int8));
            if (hasIntegerKernel(c.variant())) { // else it is the FP32 model with Q/DQ left: the fallback is better
                out.add(c);
            }
        }
        List<SlowIntegerOps.SlowOp> slow = SlowIntegerOps.find(fp32, int8, graph, runtimeGraph(placed.model()),
                SlowIntegerOps.RELATIVE, SlowIntegerOps.SHARE_OF_MODEL);
        if (!slow.isEmpty()) {
            out.add(candidate(slow.size() + " slow ops in float", r, placed,
                    SlowIntegerOps.removals(placed.plan(), slow), slow));
        }
        return out;
    }

    private Candidate candidate(String label, Request r, Variant placed, List<Placement.Removal> removals,
                                List<SlowIntegerOps.SlowOp> returned) {
        List<Placement.Removal> all = new ArrayList<>(removals);
        QuantizationPlan plan = Placement.apply(placed.plan(), removals);
        Variant v = place(new Variant(plan, r.build().apply(plan)), r.build(), all);
        return new Candidate(label, v, all, returned);
    }

    /** True when the runtime runs some op of {@code v} as an integer kernel (else it is a float model with Q/DQ). */
    private boolean hasIntegerKernel(Variant v) {
        return runtimeGraph(v.model()).nodes().stream().anyMatch(n -> RuntimeGraph.isIntegerKernel(n.opType()));
    }

    /** The quantized ops among {@code nodes}, with their measured times, for the report. */
    private static List<SlowIntegerOps.SlowOp> returned(List<String> nodes, QuantizationPlan plan,
                                                        ProfileAttribution fp32, ProfileAttribution int8) {
        List<SlowIntegerOps.SlowOp> out = new ArrayList<>();
        for (String n : nodes) {
            if (plan.quantizedNodes().contains(n)) {
                Double i = int8.micros(n);
                Double f = fp32.micros(n);
                out.add(new SlowIntegerOps.SlowOp(n, i == null ? 0 : i, f == null ? 0 : f));
            }
        }
        return out;
    }

    /** Placement passes until the runtime's graph shows nothing more to remove. */
    private Variant place(Variant start, Function<QuantizationPlan, OnnxMl.ModelProto> build,
                          List<Placement.Removal> removed) {
        Variant v = start;
        for (int round = 0; round < PLACEMENT_ROUNDS && !v.plan().points().isEmpty(); round++) {
            List<Placement.Removal> now = Placement.decide(ModelGraph.of(v.model()), v.plan(),
                    runtimeGraph(v.model()));
            if (now.isEmpty()) {
                break;
            }
            removed.addAll(now);
            QuantizationPlan plan = Placement.apply(v.plan(), now);
            v = new Variant(plan, build.apply(plan));
        }
        return v;
    }

    /**
     * Placement alone (no timing): {@code plan} without the quantizers that feed no integer kernel in the runtime's
     * optimized graph, and its model. What a fidelity measurement must see: those quantizers are never written.
     */
    public Variant placed(QuantizationPlan plan, OnnxMl.ModelProto quantized,
                          Function<QuantizationPlan, OnnxMl.ModelProto> build) {
        return place(new Variant(plan, quantized), build, new ArrayList<>());
    }

    /** The graph the runtime executes for {@code model} (its optimized model, read back). */
    RuntimeGraph runtimeGraph(OnnxMl.ModelProto model) {
        ModelBlob blob = blobs.apply(model, "placement");
        Path out = workDir.resolve("placement-optimized.onnx");
        try {
            engines.writeOptimized(blob, EngineOptions.forInference(1), out);
            return RuntimeGraph.of(ModelIo.load(out));
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(out);
            } catch (java.io.IOException e) {
                // left in the run's work folder, which is removed with the run
            }
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A plan and the model built from it. */
    public record Variant(QuantizationPlan plan, OnnxMl.ModelProto model) {
    }
}
