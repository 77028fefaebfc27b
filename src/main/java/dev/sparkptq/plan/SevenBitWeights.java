package dev.sparkptq.plan;

import dev.sparkptq.config.OverflowFix;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The saturation (overflow) fix as a plan change: the weight quantizers of the chosen layers get half the integer
 * levels — 8-bit symmetric weights {@code -127..127} become {@code -63..63}, asymmetric {@code -128..127} become
 * {@code -64..63} — still stored as INT8, so the Q/DQ layout and every kernel stay the same while
 * {@code |w_q| ≤ 64} keeps a u8×s8 pair sum within int16. Activations are not touched.
 *
 * <p>"First layer" follows NNCF's {@code first_layer_only}: the weighted layers that no other quantized weighted
 * layer feeds, directly or through other ops (for a CNN, the stem convolution(s) reading the image). Changing the
 * plan, rather than the computed scales, keeps the fix in every model rebuilt from the plan (accuracy-aware
 * experiments) and makes the report show the 7-bit levels.
 */
public final class SevenBitWeights {
    private SevenBitWeights() {
    }

    /**
     * @param plan   the plan with halved weight specs on the chosen layers
     * @param layers the weighted nodes whose weights got 7-bit levels, in topological order
     */
    public record Result(QuantizationPlan plan, List<String> layers) {
        public Result {
            layers = List.copyOf(layers);
        }
    }

    /** Applies {@code mode} to the 8-bit weight quantizers of {@code plan}; other bit widths are left alone. */
    public static Result apply(QuantizationPlan plan, ModelGraph graph, OverflowFix mode) {
        if (mode == OverflowFix.DISABLE) {
            return new Result(plan, List.of());
        }
        Set<String> chosen = mode == OverflowFix.ENABLE ? weightedNodes(plan) : firstLayers(plan, graph);
        List<QuantizationPoint> points = new ArrayList<>();
        Set<String> fixed = new TreeSet<>();
        for (QuantizationPoint p : plan.points()) {
            boolean hit = p.kind() == PointKind.WEIGHT && p.spec().bits() == 8
                    && p.consumerNodes().stream().anyMatch(chosen::contains);
            if (hit) {
                fixed.addAll(p.consumerNodes());
                points.add(new QuantizationPoint(p.tensor(), p.kind(), p.consumers(), p.channelAxis(),
                        halved(p.spec()), p.constantNode(), p.tiedTo()));
            } else {
                points.add(p);
            }
        }
        List<String> layers = graph.nodes().stream().map(Node::name).filter(fixed::contains).toList();
        return new Result(new QuantizationPlan(points, plan.quantizedNodes(), plan.notes()), layers);
    }

    /** One bit fewer; explicit levels are halved towards zero (-127..127 → -63..63). */
    static TensorQuantSpec halved(TensorQuantSpec s) {
        Integer lo = s.levelLow() == null ? null : s.levelLow() / 2;
        Integer hi = s.levelHigh() == null ? null : s.levelHigh() / 2;
        return new TensorQuantSpec(s.bits() - 1, s.mode(), s.granularity(), lo, hi, s.rangeEstimator());
    }

    private static Set<String> weightedNodes(QuantizationPlan plan) {
        Set<String> out = new HashSet<>();
        plan.weights().forEach(p -> out.addAll(p.consumerNodes()));
        return out;
    }

    /** Weighted nodes none of whose inputs depends on another weighted node's output. */
    private static Set<String> firstLayers(QuantizationPlan plan, ModelGraph graph) {
        Set<String> weighted = weightedNodes(plan);
        Set<String> tainted = new HashSet<>(); // tensors computed from some weighted node's output
        Set<String> first = new HashSet<>();
        for (Node n : graph.nodes()) {
            boolean downstream = n.inputs().stream().anyMatch(tainted::contains);
            boolean isWeighted = weighted.contains(n.name());
            if (isWeighted && !downstream) {
                first.add(n.name());
            }
            if (isWeighted || downstream) {
                tainted.addAll(n.outputs());
            }
        }
        return first;
    }
}
