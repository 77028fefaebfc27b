package dev.sparkptq.placement;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The compute ops whose integer kernel is clearly slower than the float kernel the FP32 model runs for them, from
 * two per-node profiles (FP32 and INT8, each attributed to our node names).
 *
 * <p>Why per op: an integer kernel is not faster everywhere. On AVX-512 VNNI, ORT's int8 depthwise convolution
 * vectorizes over 64 channels and its first-layer convolution over 3 input channels packs badly, while the float
 * NCHWc kernels fill their 16-float vectors: FaceMesh's 3-channel stem conv measured 3.8× and its 16-channel depthwise
 * convs 2.7–4× slower in int8 than in float, its 128-channel pointwise convs 6× faster. Returning the slow ones to
 * float keeps the fast ones.
 *
 * <p>Margins keep timing noise from deciding: an op qualifies only when its integer time exceeds its float time by
 * {@code relative} (25 %) and the difference is at least {@code shareOfModel} (1.5 %) of the FP32 model's kernel
 * time. Pure: profiles in, decisions out.
 */
public final class SlowIntegerOps {
    /** Ops whose multiply-accumulates the decision covers. */
    static final Set<String> MAC_OPS = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm");

    /** Default margins (see the class comment). */
    public static final double RELATIVE = 0.25;
    public static final double SHARE_OF_MODEL = 0.015;

    private SlowIntegerOps() {
    }

    /** One op returned to float: its node and the two measured kernel times (µs per run). */
    public record SlowOp(String node, double integerMicros, double floatMicros) {
    }

    /** The qualifying ops, the largest loss first (ties by name). */
    public static List<SlowOp> find(ProfileAttribution fp32, ProfileAttribution int8, ModelGraph quantized,
                                    RuntimeGraph runtime, double relative, double shareOfModel) {
        List<SlowOp> out = new ArrayList<>();
        for (Node n : quantized.nodes()) {
            if (!MAC_OPS.contains(n.opType()) || !runtime.runsInteger(n.name())) {
                continue;
            }
            Double f = fp32.micros(n.name());
            Double i = int8.micros(n.name());
            if (f == null || i == null) {
                continue;
            }
            if (i > f * (1 + relative) && i - f > shareOfModel * fp32.total()) {
                out.add(new SlowOp(n.name(), i, f));
            }
        }
        out.sort(Comparator.comparingDouble((SlowOp s) -> s.floatMicros() - s.integerMicros())
                .thenComparing(SlowOp::node));
        return out;
    }

    /**
     * The removals that return {@code ops} to float: the edges from their weight quantizers (a Conv without a
     * DequantizeLinear weight is never fused). Their activation quantizers stay where a neighbour still needs them;
     * {@link Placement} removes the rest once the runtime shows them useless.
     */
    public static List<Placement.Removal> removals(QuantizationPlan plan, List<SlowOp> ops) {
        Set<String> nodes = new java.util.HashSet<>();
        ops.forEach(o -> nodes.add(o.node()));
        List<Placement.Removal> out = new ArrayList<>();
        for (QuantizationPoint p : plan.points()) {
            if (p.kind() != PointKind.WEIGHT) {
                continue;
            }
            List<InputRef> edges = p.consumers().stream().filter(e -> nodes.contains(e.node())).toList();
            if (!edges.isEmpty()) {
                out.add(new Placement.Removal(p.id(), p.tensor(), edges, edges.size() == p.consumers().size(),
                        Placement.Reason.SLOWER_THAN_FLOAT));
            }
        }
        return out;
    }

    /**
     * The float prefix worth having: the first {@code k} ops (graph order) whose summed integer-minus-float time is
     * largest, when that gain is at least {@code shareOfModel} of the FP32 kernel time; empty otherwise. Why a
     * prefix: the ops slower in integer kernels cluster in a CNN's stem (few channels, full resolution: the
     * 3-channel first conv, 16-channel depthwise convs), and returning a prefix to float costs a single boundary (one
     * QuantizeLinear where the integer part starts) where isolated ops in an integer region each pay a
     * DequantizeLinear, a QuantizeLinear and layout conversions.
     *
     * @return the prefix's op names (quantized or not), in graph order
     */
    public static List<String> floatPrefix(ProfileAttribution fp32, ProfileAttribution int8, ModelGraph quantized,
                                           QuantizationPlan plan, double shareOfModel) {
        List<String> ops = new ArrayList<>();
        for (Node n : quantized.nodes()) {
            if (!n.opType().equals("QuantizeLinear") && !n.opType().equals("DequantizeLinear")) {
                ops.add(n.name());
            }
        }
        double gain = 0;
        double best = 0;
        int bestEnd = -1;
        for (int k = 0; k < ops.size(); k++) {
            Double f = fp32.micros(ops.get(k));
            Double i = int8.micros(ops.get(k));
            gain += (i == null ? 0 : i) - (f == null ? 0 : f);
            if (gain > best) {
                best = gain;
                bestEnd = k;
            }
        }
        if (bestEnd < 0 || best < shareOfModel * fp32.total()) {
            return List.of();
        }
        List<String> prefix = ops.subList(0, bestEnd + 1);
        boolean quantizedOp = prefix.stream().anyMatch(plan.quantizedNodes()::contains);
        return quantizedOp ? List.copyOf(prefix) : List.of();
    }

    /** The removals that return every op of {@code nodes} to float: all quantizer edges into them. */
    public static List<Placement.Removal> floatNodes(QuantizationPlan plan, java.util.Collection<String> nodes) {
        Set<String> set = new java.util.HashSet<>(nodes);
        List<Placement.Removal> out = new ArrayList<>();
        for (QuantizationPoint p : plan.points()) {
            List<InputRef> edges = p.consumers().stream().filter(e -> set.contains(e.node())).toList();
            if (!edges.isEmpty()) {
                out.add(new Placement.Removal(p.id(), p.tensor(), edges, edges.size() == p.consumers().size(),
                        Placement.Reason.SLOWER_THAN_FLOAT));
            }
        }
        return out;
    }
}
