package dev.sparkptq.plan;

import dev.sparkptq.core.DType;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;
import dev.sparkptq.graph.edit.InputRef;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Extra quantizers on the inputs of value-preserving ops (Concat, MaxPool, Reshape, Transpose, …) that sit between a
 * producer and a quantized tensor, tied to that tensor's parameters.
 *
 * <p>Why: ONNX Runtime fuses {@code DQ → Conv → Q} into an integer kernel only when a quantizer follows the op.
 * In {@code Conv → Relu → Concat → [Q/DQ] → Conv} the first Conv has none and runs in float. With a tied Q/DQ on
 * each Concat input ({@code Conv → Relu → [Q/DQ] → Concat → [Q/DQ] → Conv}) every Conv fuses and the Concat becomes
 * QLinearConcat. Numerically nothing changes: these ops only copy or select values, and a Q/DQ pair with the same
 * scale and zero point is idempotent, so quantizing before the op gives exactly the values quantizing after it did.
 *
 * <p>Only done when every consumer of the quantized tensor reads the quantized value (otherwise a float reader
 * would start seeing quantized values), and only upward through inputs that nothing else reads.
 */
final class Propagation {
    /** Ops whose output values are copies or selections of input values. */
    private static final Set<String> VALUE_PRESERVING = Set.of("Concat", "MaxPool", "GlobalMaxPool", "Reshape",
            "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity");

    private Propagation() {
    }

    static List<QuantizationPoint> tiedPoints(ModelGraph graph, List<QuantizationPoint> points) {
        Set<InputRef> quantizedEdges = new HashSet<>();
        points.forEach(p -> quantizedEdges.addAll(p.consumers()));
        List<QuantizationPoint> tied = new ArrayList<>();
        for (QuantizationPoint root : points) {
            if (root.kind() == PointKind.ACTIVATION && root.channelAxis() < 0
                    && readOnlyBy(graph, root.tensor(), root.consumers())) {
                walk(graph, root, root.tensor(), quantizedEdges, tied);
            }
        }
        return tied;
    }

    private static void walk(ModelGraph graph, QuantizationPoint root, String tensor, Set<InputRef> quantizedEdges,
                             List<QuantizationPoint> out) {
        Node n = graph.producer(tensor);
        if (n == null || !VALUE_PRESERVING.contains(n.opType()) || n.outputs().size() != 1) {
            return;
        }
        int dataInputs = n.opType().equals("Concat") ? n.inputs().size() : 1;
        for (int i = 0; i < dataInputs; i++) {
            String in = n.inputs().get(i);
            InputRef edge = new InputRef(n.name(), i);
            if (in.isEmpty() || graph.isConstant(in) || !isFloat(graph, in) || !quantizedEdges.add(edge)) {
                continue;
            }
            out.add(new QuantizationPoint(in, PointKind.ACTIVATION, List.of(edge), -1, root.spec(), false,
                    root.tensor()));
            if (readOnlyBy(graph, in, List.of(edge))) {
                walk(graph, root, in, quantizedEdges, out);
            }
        }
    }

    /** True when the tensor is not a graph output and every reader of it is one of {@code edges}. */
    private static boolean readOnlyBy(ModelGraph graph, String tensor, List<InputRef> edges) {
        if (graph.isGraphOutput(tensor)) {
            return false;
        }
        for (Use u : graph.consumers(tensor)) {
            if (!edges.contains(new InputRef(u.node().name(), u.inputIndex()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFloat(ModelGraph graph, String tensor) {
        DType t = graph.info(tensor).map(i -> i.dtype()).orElse(null);
        return t == null || t == DType.FLOAT;
    }
}
