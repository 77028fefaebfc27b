package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.TensorProtos;

import java.util.List;

/**
 * Applies {@link GraphEdit.ScaleInput} and {@link GraphEdit.ReplaceConstantInput} to a {@link Draft}: the two edits
 * SmoothQuant needs (an explicit per-channel Mul on an activation, and new values for the weights and the producer
 * constants it folds scales into).
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
        if (d.initializers.containsKey(old) && !d.isUsed(old) && !d.isGraphInput(old)) {
            d.initializers.remove(old);
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
