package dev.sparkptq.placement;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Quantizers that cost time without feeding an integer kernel, read off the graph ONNX Runtime executes.
 *
 * <p>A QuantizeLinear that ORT fused into its producer (the output of a QLinearConv, QLinearAdd, ...) is never a
 * candidate: it is what makes that producer integer. A QuantizeLinear that survives in the runtime graph runs as its
 * own kernel, after a float producer; it pays off only through consumers that run as integer kernels (or move int8
 * data on to one). So, for each quantizer:
 * <ul>
 *   <li>{@link Reason#NO_INTEGER_KERNEL}: its QuantizeLinear survives and no consumer runs integer — the Q/DQ pair is
 *   a float→int8→float round trip (time and error, no gain): removed, with the points tied to it;</li>
 *   <li>{@link Reason#FLOAT_CONSUMER}: its QuantizeLinear survives and some consumers run float — those read the float
 *   tensor directly (one DequantizeLinear less each, and no rounding);</li>
 *   <li>{@link Reason#WEIGHT_OF_FLOAT_OP}: a weight read by an op ORT runs in float — ORT does not constant-fold
 *   DequantizeLinear, so the int8 weight was dequantized on every inference; the op keeps its float weight.</li>
 * </ul>
 * Pure: the quantized graph, its plan and the runtime graph in, removals out. Removing a quantizer never takes an
 * integer kernel away (only quantizers whose consumers are all float, or edges to float consumers, go), so the
 * decisions of one pass stay valid; a second pass over the rebuilt model catches chains that only then show.
 */
public final class Placement {
    private Placement() {
    }

    /** Why a quantizer (or some of its edges) goes. */
    public enum Reason { NO_INTEGER_KERNEL, FLOAT_CONSUMER, WEIGHT_OF_FLOAT_OP, SLOWER_THAN_FLOAT }

    /**
     * One decision.
     *
     * @param pointId the plan point
     * @param edges   the consumer edges that stop reading the quantized value (all of the point's for a whole removal)
     * @param whole   true when the point (and the points tied to it) goes entirely
     */
    public record Removal(String pointId, String tensor, List<InputRef> edges, boolean whole, Reason reason) {
        public Removal {
            edges = List.copyOf(edges);
        }
    }

    /** The removals for {@code plan}, whose model {@code quantized} ORT executes as {@code runtime}; plan order. */
    public static List<Removal> decide(ModelGraph quantized, QuantizationPlan plan, RuntimeGraph runtime) {
        List<Removal> out = new ArrayList<>();
        for (QuantizationPoint p : plan.points()) {
            if (p.tiedTo() != null) {
                continue; // a tie follows its root (a tied Concat/MaxPool input serves the root's consumers)
            }
            List<InputRef> floatEdges = new ArrayList<>();
            for (InputRef e : p.consumers()) {
                if (!usesIntegers(e.node(), quantized, runtime)) {
                    floatEdges.add(e);
                }
            }
            if (floatEdges.isEmpty()) {
                continue;
            }
            boolean whole = floatEdges.size() == p.consumers().size();
            if (p.kind() == PointKind.WEIGHT) {
                out.add(new Removal(p.id(), p.tensor(), floatEdges, whole, Reason.WEIGHT_OF_FLOAT_OP));
            } else if (quantizerRuns(p, quantized, runtime)) {
                out.add(new Removal(p.id(), p.tensor(), floatEdges, whole,
                        whole ? Reason.NO_INTEGER_KERNEL : Reason.FLOAT_CONSUMER));
            }
        }
        return out;
    }

    /**
     * The plan without the removed edges: a point whose every edge goes is dropped together with the points tied to
     * it; a point losing some edges keeps the others.
     */
    public static QuantizationPlan apply(QuantizationPlan plan, List<Removal> removals) {
        Map<String, Removal> byId = new HashMap<>();
        removals.forEach(r -> byId.put(r.pointId(), r));
        Set<String> droppedRoots = new TreeSet<>();
        removals.stream().filter(Removal::whole).forEach(r -> droppedRoots.add(r.tensor()));
        List<QuantizationPoint> kept = new ArrayList<>();
        for (QuantizationPoint p : plan.points()) {
            if (p.tiedTo() != null && droppedRoots.contains(p.tiedTo())) {
                continue;
            }
            Removal r = byId.get(p.id());
            if (r == null) {
                kept.add(p);
            } else if (!r.whole()) {
                List<InputRef> rest = new ArrayList<>(p.consumers());
                rest.removeAll(r.edges());
                if (!rest.isEmpty()) {
                    kept.add(new QuantizationPoint(p.tensor(), p.kind(), rest, p.channelAxis(), p.spec(),
                            p.constantNode(), p.tiedTo()));
                }
            }
        }
        Set<String> nodes = new TreeSet<>();
        kept.forEach(p -> nodes.addAll(p.consumerNodes()));
        return new QuantizationPlan(kept, nodes, plan.notes());
    }

    /** Removal counts per reason, for logs and the report. */
    public static Map<Reason, Integer> counts(List<Removal> removals) {
        Map<Reason, Integer> out = new LinkedHashMap<>();
        removals.forEach(r -> out.merge(r.reason(), 1, Integer::sum));
        return out;
    }

    /**
     * True when ORT runs our node as an integer kernel, or moves int8 data through it on to one (a max-pool between
     * two quantized convs).
     */
    static boolean usesIntegers(String node, ModelGraph quantized, RuntimeGraph runtime) {
        if (runtime.runsInteger(node)) {
            return true;
        }
        Node n = quantized.node(node).orElse(null);
        if (n != null && isMacWithQuantizedWeight(n, quantized)) {
            String weight = quantized.producer(n.inputs().get(1)).inputs().get(0);
            if (runtime.integerKernelReads(weight)) {
                return true; // fused under another name (a MatMul+Add into one kernel keeps the weight's name)
            }
        }
        return runtime.movesIntegersToAKernel(node);
    }

    private static boolean isMacWithQuantizedWeight(Node n, ModelGraph g) {
        if (n.inputs().size() < 2) {
            return false;
        }
        Node dq = g.producer(n.inputs().get(1));
        return dq != null && dq.opType().equals("DequantizeLinear") && g.isConstant(dq.inputs().get(0));
    }

    /**
     * True when the QuantizeLinear of activation point {@code p} runs as a kernel of its own in ORT's graph (it was
     * not fused into its producer).
     */
    private static boolean quantizerRuns(QuantizationPoint p, ModelGraph quantized, RuntimeGraph runtime) {
        String q = quantizerNode(p, quantized);
        return q != null && runtime.runs(q, "QuantizeLinear");
    }

    /** The name of the QuantizeLinear node behind {@code p}'s DequantizeLinear in our graph, or null. */
    static String quantizerNode(QuantizationPoint p, ModelGraph quantized) {
        InputRef first = p.consumers().get(0);
        Node consumer = quantized.node(first.node()).orElse(null);
        if (consumer == null || first.inputIndex() >= consumer.inputs().size()) {
            return null;
        }
        Node dq = quantized.producer(consumer.inputs().get(first.inputIndex()));
        if (dq == null || !dq.opType().equals("DequantizeLinear")) {
            return null;
        }
        Node q = quantized.producer(dq.inputs().get(0));
        return q != null && q.opType().equals("QuantizeLinear") ? q.name() : null;
    }
}
