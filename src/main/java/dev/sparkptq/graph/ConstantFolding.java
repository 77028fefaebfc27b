package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every node computed from constants only by initializers holding its outputs ({@link ValueFacts} in
 * {@link ValueFacts.Mode#CONSTANTS}): shape sub-graphs ({@code Shape} of a tensor whose shape is static, then
 * Gather/Unsqueeze/Concat/Cast …), so that Reshape, Resize, Pad, Expand and Slice read constant arguments; and weights
 * an exporter computes in the graph ({@code Reshape(W, shape)}, {@code Transpose(W)}, CNTK's MatMul weights), so they
 * get weight quantizers. Then nodes whose outputs nothing reads and initializers nothing reads are dropped.
 *
 * <p>Before: {@code x[1,3,240,320] ─► Conv ─► c ─► Shape ─► Gather(0) ─► Unsqueeze ─► Concat(·, [-1], [2]) ─► s;
 * Reshape(c', s)}; after: {@code Reshape(c', s)} with {@code s = [1, -1, 2]} an initializer. Graph outputs are never
 * folded; nodes with subgraphs, of other domains, or whose result would be large are left as they are.
 */
public final class ConstantFolding {
    /**
     * @param folded     names of the nodes replaced by initializers (unnamed nodes by their first output)
     * @param shapeReads how many of them were {@code Shape}/{@code Size} of a non-constant tensor
     * @param deadNodes  nodes removed because nothing read their outputs
     */
    public record Folded(OnnxMl.GraphProto graph, List<String> folded, int shapeReads, int deadNodes) {
    }

    private ConstantFolding() {
    }

    /** {@link #foldAll}'s graph. */
    static OnnxMl.GraphProto fold(OnnxMl.GraphProto graph, int opset) {
        return foldAll(graph, opset).graph();
    }

    /** Folds the constant-only nodes of {@code graph} (default-domain ops at {@code opset}). */
    public static Folded foldAll(OnnxMl.GraphProto graph, int opset) {
        ValueFacts facts = ValueFacts.of(graph, opset, ValueFacts.Mode.CONSTANTS);
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        OnnxMl.GraphProto.Builder b = graph.toBuilder().clearNode();
        List<String> folded = new ArrayList<>();
        int shapeReads = 0;
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (!foldable(n, facts, outputs)) {
                b.addNode(n);
                continue;
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    b.addInitializer(TensorProtos.fromTensor(out, facts.constant(out).orElseThrow()));
                }
            }
            folded.add(n.getName().isEmpty() ? n.getOutput(0) : n.getName());
            if (n.getOpType().equals("Shape") || n.getOpType().equals("Size")) {
                shapeReads++;
            }
        }
        if (folded.isEmpty()) {
            DeadCode.Pruned pruned = DeadCode.prune(graph);
            return new Folded(pruned.graph(), List.of(), 0, pruned.nodes());
        }
        DeadCode.Pruned pruned = DeadCode.prune(b.build());
        return new Folded(pruned.graph(), List.copyOf(folded), shapeReads, pruned.nodes());
    }

    private static boolean foldable(OnnxMl.NodeProto n, ValueFacts facts, Set<String> graphOutputs) {
        if (n.getOpType().equals("Constant") || n.getOutputCount() == 0) {
            return false;
        }
        for (String out : n.getOutputList()) {
            if (!out.isEmpty() && (graphOutputs.contains(out) || !facts.evaluated().contains(out))) {
                return false;
            }
        }
        return true;
    }
}
