package dev.sparkptq.plan;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;
import dev.sparkptq.graph.edit.GraphEdit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Removes attention's key bias, which the softmax cancels exactly: with keys {@code k_j + b},
 * {@code q_i·(k_j + b) = q_i·k_j + q_i·b}, and {@code q_i·b} is the same for every key {@code j}, so
 * {@code softmax_j} (over keys) does not change. Matched as exported:
 *
 * <pre>
 *   x·Wk ─► Add(b [C]) ─► Reshape(·, [.., H, D]) ─► Transpose(0,2,3,1) ─► MatMul(Q, ·) ─► [Div|Mul by a scalar,
 *       Add(mask)]* ─► Softmax(axis = -1)
 * </pre>
 *
 * Each tensor on the path must have no other reader (Shape ops aside). One Add per attention block less to run;
 * ONNX Runtime's quantized MatMul kernels do not absorb bias Adds.
 */
public final class KeyBiasDrop {
    private static final long[] KEYS_LAST = {0, 2, 3, 1};

    private KeyBiasDrop() {
    }

    /** One {@link GraphEdit.BypassNode} per key-bias Add found. */
    public static List<GraphEdit> edits(ModelGraph graph) {
        List<GraphEdit> out = new ArrayList<>();
        for (Node softmax : graph.nodes()) {
            if (softmax.opType().equals("Softmax") && softmax.isDefaultDomain()
                    && softmax.intAttr("axis", graph.opset() >= 13 ? -1 : 1) == -1) {
                Node scores = scores(graph, softmax.inputs().get(0));
                GraphEdit drop = scores == null ? null : keyBias(graph, scores);
                if (drop != null) {
                    out.add(drop);
                }
            }
        }
        return out;
    }

    /** The Q·Kᵀ MatMul behind the softmax input, through scalar Div/Mul and additive masks; else null. */
    private static Node scores(ModelGraph graph, String tensor) {
        for (int depth = 0; depth < 4; depth++) {
            Node p = graph.producer(tensor);
            if (p == null || !p.isDefaultDomain() || onlyReader(graph, tensor) == null) {
                return null;
            }
            switch (p.opType()) {
                case "MatMul" -> {
                    return p;
                }
                case "Div", "Mul" -> {
                    if (!isScalarConstant(graph, p.inputs().get(1))) {
                        return null;
                    }
                    tensor = p.inputs().get(0);
                }
                case "Add" -> {
                    Node left = graph.producer(p.inputs().get(0));
                    boolean leftIsPath = left != null && List.of("MatMul", "Div", "Mul").contains(left.opType());
                    tensor = p.inputs().get(leftIsPath ? 0 : 1);
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** The bypass of the constant-bias Add behind the MatMul's key input, or null. */
    private static GraphEdit keyBias(ModelGraph graph, Node scores) {
        Node transpose = producerOnlyFor(graph, scores.inputs().get(1), "Transpose");
        if (transpose == null || !Arrays.equals(transpose.intsAttr("perm"), KEYS_LAST)) {
            return null;
        }
        Node reshape = producerOnlyFor(graph, transpose.inputs().get(0), "Reshape");
        Node add = reshape == null ? null : producerOnlyFor(graph, reshape.inputs().get(0), "Add");
        if (add == null || add.inputs().size() != 2) {
            return null;
        }
        int b = graph.isConstant(add.inputs().get(0)) ? 0 : 1;
        Tensor bias = graph.constantValue(add.inputs().get(b)).orElse(null);
        long[] heads = AttentionValueFold.shapeTail(graph, reshape.inputs().get(1), 2);
        if (bias == null || bias.dtype() != DType.FLOAT || bias.rank() != 1 || graph.isConstant(add.inputs().get(1 - b))
                || heads == null || heads[0] * heads[1] != bias.numel()) {
            return null;
        }
        return new GraphEdit.BypassNode(add.name(), 1 - b);
    }

    /** The producer of {@code tensor} when it has type {@code opType} and nothing but one node (and Shape ops)
     * reads {@code tensor}; else null. */
    private static Node producerOnlyFor(ModelGraph graph, String tensor, String opType) {
        Node p = graph.producer(tensor);
        return p != null && p.opType().equals(opType) && p.isDefaultDomain() && p.outputs().size() == 1
                && onlyReader(graph, tensor) != null ? p : null;
    }

    /** The single non-Shape reader of {@code tensor} (not a graph output), or null. */
    private static Node onlyReader(ModelGraph graph, String tensor) {
        if (graph.isGraphOutput(tensor)) {
            return null;
        }
        List<Node> readers = graph.consumers(tensor).stream().map(Use::node)
                .filter(n -> !n.opType().equals("Shape")).distinct().toList();
        return readers.size() == 1 ? readers.get(0) : null;
    }

    private static boolean isScalarConstant(ModelGraph graph, String tensor) {
        return graph.isConstant(tensor) && graph.constantValue(tensor).map(t -> t.numel() == 1).orElse(false);
    }
}
