package dev.sparkptq.plan;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
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
            if (AttentionPaths.isLastAxisSoftmax(graph, softmax)) {
                Node scores = scores(graph, softmax);
                GraphEdit drop = scores == null ? null : keyBias(graph, scores);
                if (drop != null) {
                    out.add(drop);
                }
            }
        }
        return out;
    }

    /** The Q·Kᵀ MatMul behind the softmax input, through scalar Div/Mul and additive masks; else null. */
    private static Node scores(ModelGraph graph, Node softmax) {
        Node reader = softmax;
        String tensor = softmax.inputs().get(0);
        for (int depth = 0; depth < 4; depth++) {
            Node p = graph.producer(tensor);
            if (p == null || AttentionPaths.producerReadOnlyBy(graph, tensor, p.opType(), reader) == null) {
                return null;
            }
            reader = p;
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
        Node transpose = AttentionPaths.producerReadOnlyBy(graph, scores.inputs().get(1), "Transpose", scores);
        if (transpose == null || !Arrays.equals(transpose.intsAttr("perm"), KEYS_LAST)) {
            return null;
        }
        Node reshape = AttentionPaths.producerReadOnlyBy(graph, transpose.inputs().get(0), "Reshape", transpose);
        Node add = reshape == null ? null
                : AttentionPaths.producerReadOnlyBy(graph, reshape.inputs().get(0), "Add", reshape);
        if (add == null || add.inputs().size() != 2) {
            return null;
        }
        int b = graph.isConstant(add.inputs().get(0)) ? 0 : 1;
        long[] heads = AttentionPaths.shapeTail(graph, reshape.inputs().get(1), 2);
        Tensor bias = heads == null ? null
                : AttentionPaths.floatVector(graph, add.inputs().get(b), heads[0] * heads[1]);
        if (bias == null || graph.isConstant(add.inputs().get(1 - b))) {
            return null;
        }
        return new GraphEdit.BypassNode(add.name(), 1 - b);
    }

    private static boolean isScalarConstant(ModelGraph graph, String tensor) {
        return graph.isConstant(tensor) && graph.constantValue(tensor).map(t -> t.numel() == 1).orElse(false);
    }
}
