package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.TensorProtos;

import java.util.List;

/**
 * Applies {@link GraphEdit.ScaleInput}, {@link GraphEdit.ReplaceConstantInput} and {@link GraphEdit.BypassNode} to a
 * {@link Draft}: the edits SmoothQuant's step needs (an explicit per-channel Mul on an activation; new values for the
 * weights and the producer constants it folds scales into, or for a Reshape's computed shape; removing the attention
 * bias Adds its exact rewrites make redundant).
 */
final class InputScaling {
    private InputScaling() {
    }

    static void scale(Draft d, GraphEdit.ScaleInput edit) {
        String t = edit.tensor();
        if (!d.exists(t)) {
            throw new InternalException("ScaleInput names tensor '" + t + "', which no node, initializer or graph "
                    + "input provides");
        }
        for (InputRef ref : edit.consumers()) {
            requireInput(d, ref.node(), ref.inputIndex(), t);
        }
        String factor = d.fresh(t + "_smooth_factor");
        d.addInitializer(TensorProtos.fromTensor(factor, edit.factor()));
        OnnxMl.NodeProto mul = Nodes.node(d.fresh(t + "_SmoothMul"), "Mul", "", List.of(t, factor),
                d.fresh(t + "_smoothed"));
        d.insertAfterProducer(t, List.of(mul));
        for (InputRef ref : edit.consumers()) {
            int i = d.nodeIndex(ref.node());
            d.nodes.set(i, d.nodes.get(i).toBuilder().setInput(ref.inputIndex(), mul.getOutput(0)).build());
        }
    }

    static void replaceConstant(Draft d, GraphEdit.ReplaceConstantInput edit) {
        int i = d.nodeIndex(edit.node());
        OnnxMl.NodeProto n = d.nodes.get(i);
        if (edit.input() >= n.getInputCount()) {
            throw new InternalException("node '" + edit.node() + "' has no input " + edit.input());
        }
        String old = n.getInput(edit.input());
        String name = d.fresh(old + "_smoothed");
        d.addInitializer(TensorProtos.fromTensor(name, edit.value()));
        d.nodes.set(i, n.toBuilder().setInput(edit.input(), name).build());
        dropIfUnused(d, old);
    }

    /**
     * Drops {@code tensor}'s initializer, or the node computing it, once nothing reads it; a dropped node's own
     * inputs are checked the same way (a replaced Reshape shape leaves a whole Shape → Gather → Concat chain).
     */
    static void dropIfUnused(Draft d, String tensor) {
        if (d.isUsed(tensor) || d.isGraphInput(tensor)) {
            return;
        }
        if (d.initializers.remove(tensor) != null) {
            return;
        }
        int p = d.producerIndex(tensor);
        if (p < 0 || d.nodes.get(p).getOutputList().stream().anyMatch(o -> !o.isEmpty() && d.isUsed(o))) {
            return;
        }
        OnnxMl.NodeProto dead = d.nodes.remove(p);
        for (String in : new java.util.LinkedHashSet<>(dead.getInputList())) {
            if (!in.isEmpty()) {
                dropIfUnused(d, in);
            }
        }
    }

    /** Applies {@link GraphEdit.BypassNode}. */
    static void bypass(Draft d, GraphEdit.BypassNode edit) {
        int i = d.nodeIndex(edit.node());
        OnnxMl.NodeProto n = d.nodes.get(i);
        if (n.getOutputCount() != 1 || edit.input() >= n.getInputCount()) {
            throw new InternalException("cannot bypass node '" + edit.node() + "' through input " + edit.input()
                    + ": it has " + n.getInputCount() + " inputs and " + n.getOutputCount() + " outputs");
        }
        String out = n.getOutput(0);
        if (d.outputs.stream().anyMatch(v -> v.getName().equals(out))) {
            throw new InternalException("cannot bypass node '" + edit.node() + "': its output is a graph output");
        }
        String in = n.getInput(edit.input());
        d.nodes.remove(i);
        for (int k = 0; k < d.nodes.size(); k++) {
            OnnxMl.NodeProto m = d.nodes.get(k);
            if (m.getInputList().contains(out)) {
                OnnxMl.NodeProto.Builder b = m.toBuilder();
                for (int j = 0; j < m.getInputCount(); j++) {
                    if (m.getInput(j).equals(out)) {
                        b.setInput(j, in);
                    }
                }
                d.nodes.set(k, b.build());
            }
        }
        for (String other : n.getInputList()) {
            if (!other.isEmpty() && !other.equals(in)) {
                dropIfUnused(d, other);
            }
        }
    }

    private static void requireInput(Draft d, String node, int index, String tensor) {
        OnnxMl.NodeProto n = d.nodes.get(d.nodeIndex(node));
        if (index >= n.getInputCount() || !n.getInput(index).equals(tensor)) {
            throw new InternalException("input " + index + " of node '" + node + "' is not '" + tensor + "' (inputs "
                    + n.getInputList() + "); was it already rewired by another edit?");
        }
    }
}
