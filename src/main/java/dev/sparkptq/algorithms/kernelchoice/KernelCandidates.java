package dev.sparkptq.algorithms.kernelchoice;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the ops whose kernel can be chosen: MatMul, or Gemm with alpha = beta = 1 and no transA, reading a run-time
 * activation (input 0) and a constant 2-D float weight (input 1), both quantized by the static plan with a
 * symmetric weight (zero point 0, what MatMulInteger's weight zero point then is). Ops are grouped by the activation
 * they read, in graph order.
 */
public final class KernelCandidates {
    private KernelCandidates() {
    }

    /**
     * @param params point id → quantizer parameters of {@code plan}
     */
    public static List<KernelGroup> find(ModelGraph graph, QuantizationPlan plan, Map<String, QuantParams> params) {
        Map<String, List<KernelOp>> byInput = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            KernelOp op = candidate(graph, n);
            if (op != null && point(plan, n.name(), 0).isPresent()
                    && point(plan, n.name(), 1).map(p -> symmetric(params.get(p.id()))).orElse(false)) {
                byInput.computeIfAbsent(op.input(), k -> new ArrayList<>()).add(op);
            }
        }
        List<KernelGroup> groups = new ArrayList<>();
        byInput.forEach((input, ops) -> groups.add(new KernelGroup(input, ops)));
        return groups;
    }

    /** The plan's point quantizing input {@code index} of {@code node}. */
    public static Optional<QuantizationPoint> point(QuantizationPlan plan, String node, int index) {
        InputRef ref = new InputRef(node, index);
        return plan.points().stream().filter(p -> p.consumers().contains(ref)).findFirst();
    }

    private static KernelOp candidate(ModelGraph graph, Node n) {
        if (!n.isDefaultDomain() || n.inputs().size() < 2) {
            return null;
        }
        boolean matmul = n.opType().equals("MatMul");
        boolean gemm = n.opType().equals("Gemm") && n.floatAttr("alpha", 1f) == 1f && n.floatAttr("beta", 1f) == 1f
                && n.intAttr("transA", 0) == 0;
        if (!matmul && !gemm) {
            return null;
        }
        String x = n.inputs().get(0);
        String w = n.inputs().get(1);
        if (graph.isConstant(x) || !graph.isInitializer(w)) {
            return null;
        }
        Optional<Tensor> value = graph.constantValue(w);
        if (value.isEmpty() || value.get().dtype() != DType.FLOAT || value.get().rank() != 2) {
            return null;
        }
        if (gemm && n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() && !graph.isInitializer(n.inputs().get(2))) {
            return null;
        }
        return new KernelOp(n.name(), x, w, gemm && n.intAttr("transB", 0) == 1);
    }

    private static boolean symmetric(QuantParams p) {
        if (p == null || p.storage() != DType.INT8) {
            return false;
        }
        for (int z : p.zeroPoint()) {
            if (z != 0) {
                return false;
            }
        }
        return true;
    }
}
