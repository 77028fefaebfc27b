package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.algorithms.embeddings.EmbeddingTables;
import dev.sparkptq.algorithms.kernelchoice.Kernel;
import dev.sparkptq.algorithms.kernelchoice.KernelChoice;
import dev.sparkptq.algorithms.kernelchoice.KernelDecision;
import dev.sparkptq.algorithms.kernelchoice.KernelGroup;
import dev.sparkptq.algorithms.kernelchoice.KernelMeasurement;
import dev.sparkptq.algorithms.kernelchoice.KernelCandidates;
import dev.sparkptq.algorithms.kernelchoice.KernelProbe;
import dev.sparkptq.algorithms.kernelchoice.ProbeModels;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.KernelSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.runtime.EngineFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The kernel step between the quantizer parameters and the Q/DQ rewrite: per-op MatMul/Gemm kernel choice
 * ({@code matmul_kernels}, package {@code algorithms.kernelchoice}) and int8 embedding tables
 * ({@code embedding_tables}, package {@code algorithms.embeddings}). AccuracyAwareQuantization keeps static
 * kernels and float tables: its candidates are rebuilt from the static plan alone.
 */
final class KernelStep {
    /** Calibration samples the kernel measurement runs on (each group's input is captured once on them). */
    static final int SAMPLES = 16;
    /** Interleaved timing rounds per group signature (groups of the same shapes are timed once). */
    static final int ROUNDS = 9;

    private KernelStep() {
    }

    /**
     * @param plan  the static plan (without the points of non-static ops in the result)
     * @param edits dynamic rewrites and compressed tables, applied after the plan's Q/DQ edits
     * @param rows  report rows, one per candidate op (empty when nothing was decided)
     * @param tables compressed embedding tables
     */
    record Outcome(QuantizationPlan plan, List<GraphEdit> edits, List<KernelChoice.Row> rows,
                   List<EmbeddingTables.Compressed> tables, Set<String> nonStaticNodes) {

        /** {@code tail} after this step's edits (e.g. the provenance metadata). */
        List<GraphEdit> edits(List<GraphEdit> tail) {
            List<GraphEdit> all = new ArrayList<>(edits);
            all.addAll(tail);
            return all;
        }
    }

    static Outcome run(PtqConfig config, QuantizationParams params, OnnxMl.ModelProto model, ModelGraph graph,
                       QuantizationPlan plan, Map<String, QuantParams> qparams, QuantizationPipeline.Samples samples,
                       EngineFactory engines, Path workDir, Consumer<String> log) {
        if (config.compression().algorithms().get(0).name() == AlgorithmSpec.Name.AccuracyAwareQuantization) {
            return new Outcome(plan, List.of(), List.of(), List.of(), Set.of());
        }
        KernelSpec spec = params.kernels();
        List<KernelGroup> groups = spec.matmulKernels() == KernelSpec.MatMulKernels.STATIC ? List.of()
                : KernelCandidates.find(graph, plan, qparams);
        List<KernelChoice.Decided> decided = switch (spec.matmulKernels()) {
            case STATIC -> List.of();
            case DYNAMIC -> KernelChoice.fixed(groups, Kernel.DYNAMIC, "matmul_kernels: dynamic");
            case AUTO -> groups.isEmpty() ? List.of() : measured(model, graph, plan, qparams, groups, samples,
                    engines, workDir);
        };
        KernelChoice.Outcome kernels = KernelChoice.apply(graph, plan, qparams, decided);
        EmbeddingTables.Plan tables = spec.embeddingTables() == KernelSpec.EmbeddingTables.INT8
                ? EmbeddingTables.plan(graph, ignoredGathers(params, graph, plan)) : new EmbeddingTables.Plan(List.of(),
                List.of());
        List<GraphEdit> edits = new ArrayList<>(kernels.edits());
        edits.addAll(tables.edits());
        log(kernels, tables, log);
        return new Outcome(kernels.plan(), edits, kernels.rows(), tables.tables(), kernels.nonStaticNodes());
    }

    private static List<KernelChoice.Decided> measured(OnnxMl.ModelProto model, ModelGraph graph,
                                                       QuantizationPlan plan, Map<String, QuantParams> qparams,
                                                       List<KernelGroup> groups,
                                                       QuantizationPipeline.Samples samples, EngineFactory engines,
                                                       Path workDir) {
        KernelProbe probe = new KernelProbe(engines, m -> Blobs.of(m, workDir.resolve("kernel-probe")), ROUNDS);
        List<Map<String, Tensor>> feeds = new ArrayList<>();
        for (SampleRef ref : samples.selected().subList(0, Math.min(SAMPLES, samples.selected().size()))) {
            feeds.add(Batches.concat(List.of(samples.source().load(ref))));
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

    private static void log(KernelChoice.Outcome kernels, EmbeddingTables.Plan tables, Consumer<String> log) {
        if (!kernels.rows().isEmpty()) {
            Map<Kernel, Integer> counts = new java.util.EnumMap<>(Kernel.class);
            kernels.rows().forEach(r -> counts.merge(r.kernel(), 1, Integer::sum));
            log.accept("matmul kernels: " + counts.entrySet().stream().map(e -> e.getValue() + " "
                    + e.getKey().name().toLowerCase(Locale.ROOT)).reduce((a, b) -> a + ", " + b).orElse("")
                    + " (of " + kernels.rows().size() + " MatMul/Gemm with a constant weight)");
        }
        if (!tables.tables().isEmpty()) {
            long before = tables.tables().stream().mapToLong(EmbeddingTables.Compressed::floatBytes).sum();
            long after = tables.tables().stream().mapToLong(EmbeddingTables.Compressed::storedBytes).sum();
            log.accept(String.format(Locale.ROOT, "embedding tables: %d stored as int8 (%,d → %,d bytes)",
                    tables.tables().size(), before, after));
        }
    }
}
