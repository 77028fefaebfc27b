package dev.sparkptq.plan;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The gated-activation blocks of a plan: a Conv/ConvTranspose/MatMul/Gemm whose output is quantized because an
 * {@code x·gate(x)} activation reads it (HardSwish {@code x·HardSigmoid(x)}, SiLU {@code x·σ(x)}), so that the MAC op
 * fuses into its integer kernel. These are the quantizers that put a MobileNetV3/PP-LCNet backbone in int8, and the
 * ones whose error is largest there: the MAC output before the activation spans hundreds (one per-tensor scale for
 * channels far apart) while the activation's curved part is [−3, 3]. A block is what returning that MAC op to float
 * removes: the gate's input quantizer, the quantizers that only the MAC op and the activation's own nodes read (the
 * MAC op's input and weight, the gate's output), and every quantizer tied to one of those.
 *
 * <p>Pure and deterministic: blocks in plan order, named by their MAC op; the caller decides which to keep by
 * measurement.
 */
public final class FusedBlocks {
    private FusedBlocks() {
    }

    /**
     * One block.
     *
     * @param mac      the MAC op whose output the gate reads
     * @param pointIds the plan's points ({@link QuantizationPoint#id()}) that quantizing it needs and nothing else does
     */
    public record Block(String mac, List<String> pointIds) implements Serializable {
        public Block {
            pointIds = List.copyOf(pointIds);
        }
    }

    /** The gated blocks of {@code plan} on {@code graph} (the graph the plan was made for), in plan order. */
    public static List<Block> of(ModelGraph graph, QuantizationPlan plan) {
        return blocks(graph, plan, true);
    }

    /**
     * Every MAC op of {@code plan} whose output is quantized (so that it runs as an integer kernel), gated or not, as
     * a block of the same form, in plan order.
     */
    public static List<Block> fused(ModelGraph graph, QuantizationPlan plan) {
        return blocks(graph, plan, false);
    }

    private static List<Block> blocks(ModelGraph graph, QuantizationPlan plan, boolean gatedOnly) {
        List<Block> out = new ArrayList<>();
        Set<String> claimed = new LinkedHashSet<>();
        for (QuantizationPoint p : plan.points()) {
            if (p.kind() != PointKind.ACTIVATION || p.tiedTo() != null
                    || gatedOnly && !readByGate(graph, p.tensor())) {
                continue;
            }
            Node mac = ProducerFusion.macBehind(graph, p.tensor());
            if (mac == null || claimed.contains(p.id())) {
                continue;
            }
            Set<String> nodes = new LinkedHashSet<>(p.consumerNodes()); // the gate and its Mul
            nodes.add(mac.name());
            Set<String> ids = new LinkedHashSet<>();
            ids.add(p.id());
            for (QuantizationPoint q : plan.points()) {
                if (nodes.containsAll(q.consumerNodes())) {
                    ids.add(q.id()); // the MAC op's own inputs, the gate's output: read by nothing else quantized
                }
            }
            Set<String> tensors = new LinkedHashSet<>();
            plan.points().stream().filter(q -> ids.contains(q.id())).forEach(q -> tensors.add(q.tensor()));
            plan.points().stream().filter(q -> q.tiedTo() != null && tensors.contains(q.tiedTo()))
                    .forEach(q -> ids.add(q.id()));
            ids.removeAll(claimed);
            claimed.addAll(ids);
            out.add(new Block(mac.name(), new ArrayList<>(ids)));
        }
        return out;
    }

    /** True when a Sigmoid/HardSigmoid that is the gate of an {@code x·gate(x)} reads {@code tensor}. */
    static boolean readByGate(ModelGraph graph, String tensor) {
        for (Use u : graph.consumers(tensor)) {
            Node n = u.node();
            if ((n.opType().equals("HardSigmoid") || n.opType().equals("Sigmoid")) && u.inputIndex() == 0
                    && OpRules.siluGate(graph, n)) {
                return true;
            }
        }
        return false;
    }
}
