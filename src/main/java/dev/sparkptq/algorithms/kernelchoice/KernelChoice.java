package dev.sparkptq.algorithms.kernelchoice;

import dev.sparkptq.core.QuantParams;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Applies per-group kernel choices to a static plan: ops chosen DYNAMIC or FLOAT lose their Q/DQ points (the
 * activation's quantizer stays for its other readers), and DYNAMIC ops get {@link GraphEdit.QuantizeDynamically}
 * edits. Decide first ({@link KernelDecision}, or a fixed kernel), rewrite second (the returned plan and edits).
 */
public final class KernelChoice {
    private KernelChoice() {
    }

    /**
     * The decision for one op, as report.json shows it.
     *
     * @param node    the MatMul/Gemm
     * @param input   the activation its group shares
     * @param kernel  the kernel chosen
     * @param reason  why (measured figures, or the configured mode)
     * @param groupMs kernel → the group's measured ms per sample (empty when nothing was measured)
     * @param sqnrDb  kernel → this op's output SQNR in dB against FP32 (empty when nothing was measured)
     */
    public record Row(String node, String input, Kernel kernel, String reason, Map<Kernel, Double> groupMs,
                      Map<Kernel, Double> sqnrDb) implements Serializable {
        public Row {
            groupMs = Map.copyOf(groupMs);
            sqnrDb = Map.copyOf(sqnrDb);
        }
    }

    /**
     * @param plan  the static plan without the points of non-static ops
     * @param edits the dynamic rewrites to apply with the plan's Q/DQ edits
     * @param rows  one per candidate op, in graph order
     */
    public record Outcome(QuantizationPlan plan, List<GraphEdit> edits, List<Row> rows) {
        public Outcome {
            edits = List.copyOf(edits);
            rows = List.copyOf(rows);
        }

        /** The ops that no longer run with static Q/DQ. */
        public Set<String> nonStaticNodes() {
            Set<String> out = new TreeSet<>();
            rows.stream().filter(r -> r.kernel() != Kernel.STATIC).forEach(r -> out.add(r.node()));
            return out;
        }
    }

    /** A group's decision with the measurement behind it (null when decided without measuring). */
    public record Decided(KernelGroup group, KernelDecision.Choice choice, KernelMeasurement measurement) {
    }

    /** Every group decided by measurement. */
    public static List<Decided> measured(List<KernelGroup> groups, Function<KernelGroup, KernelMeasurement> measure,
                                         KernelDecision rule) {
        List<Decided> out = new ArrayList<>();
        for (KernelGroup g : groups) {
            KernelMeasurement m = measure.apply(g);
            out.add(new Decided(g, rule.decide(m), m));
        }
        return out;
    }

    /** Every group given the same kernel (a configured mode; nothing measured). */
    public static List<Decided> fixed(List<KernelGroup> groups, Kernel kernel, String reason) {
        return groups.stream().map(g -> new Decided(g, new KernelDecision.Choice(kernel, reason), null)).toList();
    }

    /** The plan, edits and report rows for {@code decided} groups of {@code graph}. */
    public static Outcome apply(ModelGraph graph, QuantizationPlan plan, Map<String, QuantParams> params,
                                List<Decided> decided) {
        Set<InputRef> released = new HashSet<>();
        List<GraphEdit> edits = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (Decided d : decided) {
            Kernel k = d.choice().kernel();
            if (k == Kernel.DYNAMIC) {
                edits.addAll(ProbeModels.dynamicEdits(graph, d.group(), plan, params));
            }
            for (KernelOp op : d.group().ops()) {
                if (k != Kernel.STATIC) {
                    released.add(new InputRef(op.node(), 0));
                    released.add(new InputRef(op.node(), 1));
                }
                rows.add(row(op, d));
            }
        }
        return new Outcome(without(plan, released), edits, rows);
    }

    private static Row row(KernelOp op, Decided d) {
        Map<Kernel, Double> ms = d.measurement() == null ? Map.of() : d.measurement().msPerSample();
        Map<Kernel, Double> sqnr = new java.util.EnumMap<>(Kernel.class);
        if (d.measurement() != null) {
            d.measurement().error().getOrDefault(op.node(), Map.of()).forEach((k, e) -> {
                if (k != Kernel.FLOAT) {
                    sqnr.put(k, KernelMeasurement.sqnrDb(e));
                }
            });
        }
        return new Row(op.node(), d.group().input(), d.choice().kernel(), d.choice().reason(), ms, sqnr);
    }

    /**
     * {@code plan} with {@code refs} removed from every point's consumers: points left with none are dropped, and so
     * are the points tied to a dropped one (their Q/DQ only let the ops between them run in int8 for its sake).
     */
    static QuantizationPlan without(QuantizationPlan plan, Set<InputRef> refs) {
        if (refs.isEmpty()) {
            return plan;
        }
        Set<String> droppedRoots = new HashSet<>();
        for (QuantizationPoint p : plan.points()) {
            if (p.tiedTo() == null && refs.containsAll(p.consumers())) {
                droppedRoots.add(p.tensor());
            }
        }
        List<QuantizationPoint> kept = new ArrayList<>();
        Set<String> nodes = new TreeSet<>();
        for (QuantizationPoint p : plan.points()) {
            List<InputRef> consumers = p.consumers().stream().filter(r -> !refs.contains(r)).toList();
            // a point tied to a dropped quantizer only kept its neighbours (Reshape, Transpose) in int8 for it
            if (!consumers.isEmpty() && (p.tiedTo() == null || !droppedRoots.contains(p.tiedTo()))) {
                kept.add(new QuantizationPoint(p.tensor(), p.kind(), consumers, p.channelAxis(), p.spec(),
                        p.constantNode(), p.tiedTo()));
                consumers.forEach(r -> nodes.add(r.node()));
            }
        }
        return new QuantizationPlan(kept, nodes, plan.notes());
    }
}
