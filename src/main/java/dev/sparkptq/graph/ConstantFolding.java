package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds layout-only ops whose inputs are all initializers (Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
 * Identity) into initializers, so that weights an exporter wrote as {@code Reshape(W, shape)} (CNTK's MatMul weights,
 * for one) are seen as the constants they are and get weight quantizers.
 *
 * <p>Before: {@code W ─► Reshape(·, [256,10]) ─► W_r ─► MatMul}; after: {@code W_r (initializer) ─► MatMul}.
 * Graph outputs are never folded; initializers nothing reads any more are dropped.
 */
final class ConstantFolding {
    private static final Set<String> FOLDABLE = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
            "Identity");

    private ConstantFolding() {
    }

    static OnnxMl.GraphProto fold(OnnxMl.GraphProto graph, int opset) {
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        graph.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        Set<String> graphInputs = new HashSet<>();
        graph.getInputList().forEach(i -> graphInputs.add(i.getName()));
        OnnxMl.GraphProto.Builder b = graph.toBuilder().clearNode();
        boolean folded = false;
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            Tensor value = foldable(n, inits, outputs, graphInputs) ? ShapeOps.apply(n, inputs(n, inits), opset) : null;
            if (value == null) {
                b.addNode(n);
                continue;
            }
            OnnxMl.TensorProto t = TensorProtos.fromTensor(n.getOutput(0), value);
            inits.put(t.getName(), t);
            b.addInitializer(t);
            folded = true;
        }
        return folded ? dropUnused(b.build()) : graph;
    }

    private static boolean foldable(OnnxMl.NodeProto n, Map<String, OnnxMl.TensorProto> inits, Set<String> outputs,
                                    Set<String> graphInputs) {
        if (!FOLDABLE.contains(n.getOpType()) || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))
                || n.getOutputCount() != 1 || outputs.contains(n.getOutput(0))) {
            return false;
        }
        for (String in : n.getInputList()) {
            if (!in.isEmpty() && (!inits.containsKey(in) || graphInputs.contains(in))) {
                return false;
            }
        }
        return n.getInputCount() > 0;
    }

    private static List<Tensor> inputs(OnnxMl.NodeProto n, Map<String, OnnxMl.TensorProto> inits) {
        return n.getInputList().stream().map(in -> in.isEmpty() ? null : TensorProtos.toTensor(inits.get(in)))
                .toList();
    }

    private static OnnxMl.GraphProto dropUnused(OnnxMl.GraphProto g) {
        Set<String> used = new HashSet<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            used.addAll(n.getInputList());
            used.addAll(Subgraphs.referencedNames(n));
        }
        g.getOutputList().forEach(o -> used.add(o.getName()));
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearInitializer();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                b.addInitializer(t);
            }
        }
        return b.build();
    }
}
