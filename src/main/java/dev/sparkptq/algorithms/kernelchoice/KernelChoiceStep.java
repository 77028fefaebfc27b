package dev.sparkptq.algorithms.kernelchoice;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.KernelSpec;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Batches;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Passes;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kernel decision, between the quantizer parameters and the Q/DQ rewrite: per-op MatMul/Gemm kernel choice
 * ({@code matmul_kernels}) and int8 embedding tables ({@code embedding_tables}). The plan loses the quantizers of
 * the ops that run dynamic or float; the graph edits wait in a {@link Pending} section for
 * {@link KernelRewriteStep}. AccuracyAwareQuantization keeps static kernels and float tables: its candidates are
 * rebuilt from the static plan alone.
 */
public final class KernelChoiceStep implements Step {
    /** Calibration samples the kernel measurement runs on (each group's input is captured once on them). */
    static final int SAMPLES = 16;
    /** Interleaved timing rounds per group signature (groups of the same shapes are timed once). */
    static final int ROUNDS = 9;

    /**
     * What the decision leaves for {@link KernelRewriteStep}.
     *
     * @param edits   dynamic rewrites and compressed tables, applied to the quantized model
     * @param summary report.json's {@code kernel_choice} section
     */
    public record Pending(List<GraphEdit> edits, RunReport.KernelChoiceSummary summary) {
    }

    private final StepContext context;

    public KernelChoiceStep(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "kernel_choice";
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        if (context.config().compression().algorithms().get(0).name()
                == AlgorithmSpec.Name.AccuracyAwareQuantization) {
            return state;
        }
        QuantizationParams params = context.params();
        KernelSpec spec = params.kernels();
        ModelGraph graph = state.toQuantizeGraph();
        QuantizationPlan plan = state.plan();
        Map<String, QuantParams> qparams = state.parameters().params();
        List<KernelGroup> groups = spec.matmulKernels() == KernelSpec.MatMulKernels.STATIC ? List.of()
                : KernelCandidates.find(graph, plan, qparams);
        List<KernelChoice.Decided> decided = switch (spec.matmulKernels()) {
            case STATIC -> List.of();
            case DYNAMIC -> KernelChoice.fixed(groups, Kernel.DYNAMIC, "matmul_kernels: dynamic");
            case AUTO -> groups.isEmpty() ? List.of() : measured(state.toQuantize(), graph, plan, qparams, groups);
        };
        KernelChoice.Outcome kernels = KernelChoice.apply(graph, plan, qparams, decided);
        EmbeddingTables.Plan tables = spec.embeddingTables() == KernelSpec.EmbeddingTables.INT8
                ? EmbeddingTables.plan(graph, ignoredGathers(params, graph, plan))
                : new EmbeddingTables.Plan(List.of(), List.of());
        if (kernels.rows().isEmpty() && tables.tables().isEmpty()) {
            return state;
        }
        List<GraphEdit> edits = new ArrayList<>(kernels.edits());
        edits.addAll(tables.edits());
        log(kernels, tables);
        return state.withPlan(kernels.plan()).withSection(new Pending(edits, summary(kernels, tables)));
    }

    private List<KernelChoice.Decided> measured(OnnxMl.ModelProto model, ModelGraph graph, QuantizationPlan plan,
                                                Map<String, QuantParams> qparams, List<KernelGroup> groups) {
        Passes passes = context.passes();
        KernelProbe probe = new KernelProbe(passes.engines(), m -> passes.stage(m, "kernel-probe"), ROUNDS);
        List<Map<String, Tensor>> feeds = new ArrayList<>();
        List<SampleRef> calibration = passes.calibration();
        for (SampleRef ref : calibration.subList(0, Math.min(SAMPLES, calibration.size()))) {
            feeds.add(Batches.concat(List.of(passes.source().load(ref))));
        }
        List<String> inputs = groups.stream().map(KernelGroup::input).distinct().toList();
        List<Map<String, Tensor>> captured = probe.capture(model, inputs, feeds);
        Map<String, Map<Kernel, Double>> latencyBySignature = new HashMap<>();
        return KernelChoice.measured(groups, g -> {
            List<Tensor> x = captured.stream().map(c -> c.get(g.input())).toList();
            int rank = x.get(0).rank();
            ProbeModels.Probes probes = ProbeModels.of(graph, g, plan, qparams, rank);
            Map<Kernel, Double> ms = latencyBySignature.computeIfAbsent(ProbeModels.signature(graph, g, rank),
                    k -> probe.latency(probes, x));
            return new KernelMeasurement(ms, probe.errors(probes, x));
        }, KernelDecision.DEFAULT);
    }

    /**
     * Gather nodes whose table stays as it is: named in {@code ignored}, every Gather when the op type is ignored,
     * and those the static plan already quantizes.
     */
    private static Set<String> ignoredGathers(QuantizationParams params, ModelGraph graph, QuantizationPlan plan) {
        Set<String> out = new HashSet<>(params.ignored().scope());
        out.addAll(plan.quantizedNodes());
        if (params.ignored().operations().stream().anyMatch(o -> o.type().equals("Gather"))) {
            graph.nodes().stream().filter(n -> n.opType().equals("Gather")).forEach(n -> out.add(n.name()));
        }
        return out;
    }

    private void log(KernelChoice.Outcome kernels, EmbeddingTables.Plan tables) {
        if (!kernels.rows().isEmpty()) {
            Map<Kernel, Integer> counts = new EnumMap<>(Kernel.class);
            kernels.rows().forEach(r -> counts.merge(r.kernel(), 1, Integer::sum));
            context.log().accept("matmul kernels: " + counts.entrySet().stream().map(e -> e.getValue() + " "
                    + e.getKey().name().toLowerCase(Locale.ROOT)).reduce((a, b) -> a + ", " + b).orElse("")
                    + " (of " + kernels.rows().size() + " MatMul/Gemm with a constant weight)");
        }
        if (!tables.tables().isEmpty()) {
            long before = tables.tables().stream().mapToLong(EmbeddingTables.Compressed::floatBytes).sum();
            long after = tables.tables().stream().mapToLong(EmbeddingTables.Compressed::storedBytes).sum();
            context.log().accept(String.format(Locale.ROOT, "embedding tables: %d stored as int8 (%,d → %,d bytes)",
                    tables.tables().size(), before, after));
        }
    }

    /** report.json's {@code kernel_choice} section: every decided op and every compressed table. */
    static RunReport.KernelChoiceSummary summary(KernelChoice.Outcome kernels, EmbeddingTables.Plan tables) {
        List<RunReport.KernelOp> ops = kernels.rows().stream().map(r -> new RunReport.KernelOp(r.node(), r.input(),
                name(r.kernel()), r.reason(), byName(r.groupMs()), byName(r.sqnrDb()))).toList();
        List<RunReport.EmbeddingTable> t = tables.tables().stream().map(c -> new RunReport.EmbeddingTable(c.node(),
                c.table(), Arrays.stream(c.shape()).boxed().toList(), c.scales(),
                c.floatBytes(), c.storedBytes())).toList();
        return new RunReport.KernelChoiceSummary(ops, t);
    }

    private static Map<String, Double> byName(Map<Kernel, Double> values) {
        Map<String, Double> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(name(k), Double.isFinite(v) ? v : null));
        return out;
    }

    private static String name(Kernel k) {
        return k.name().toLowerCase(Locale.ROOT);
    }
}
