package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;

import java.util.ArrayList;
import java.util.List;

/** Builds the nodes of a {@link GraphEdit.AddReduction} (see its javadoc for the shape of the subgraph). */
final class Reductions {
    /** From this opset on, ReduceMin/ReduceMax take their axes as an input instead of an attribute. */
    private static final int AXES_AS_INPUT_OPSET = 18;

    private Reductions() {
    }

    static void apply(Draft draft, GraphEdit.AddReduction r) {
        if (!draft.exists(r.tensor())) {
            throw new InternalException("AddReduction names tensor '" + r.tensor() + "', which no node, initializer "
                    + "or graph input provides");
        }
        if (r.keepAxis() > 0 && r.rank() < 0) {
            throw new InternalException("AddReduction of '" + r.tensor() + "' keeps axis " + r.keepAxis()
                    + " but the rank is unknown");
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        String x = r.tensor();
        String base = r.output();
        if (r.reduction() == GraphEdit.Reduction.ABS_MAX) {
            String abs = draft.fresh(base + "_abs");
            nodes.add(Nodes.node(draft.fresh(base + "_Abs"), "Abs", "", List.of(x), abs));
            x = abs;
        }
        long[] axes;
        if (r.rank() < 0) {
            String flat = draft.fresh(base + "_flat");
            nodes.add(Nodes.node(draft.fresh(base + "_Flatten"), "Flatten", "", List.of(x), flat,
                    Nodes.intAttr("axis", 1)));
            x = flat;
            axes = new long[]{1};
        } else {
            axes = axes(r.rank(), r.keepAxis());
        }
        String op = r.reduction() == GraphEdit.Reduction.MIN ? "ReduceMin" : "ReduceMax";
        if (axes.length == 0) {
            nodes.add(Nodes.node(draft.fresh(base + "_Identity"), "Identity", "", List.of(x), r.output()));
        } else if (draft.opset() >= AXES_AS_INPUT_OPSET) {
            String axesName = draft.fresh(base + "_axes");
            draft.addInitializer(TensorProtos.fromTensor(axesName, Tensor.ofLongs(new long[]{axes.length}, axes)));
            nodes.add(Nodes.node(draft.fresh(base + "_" + op), op, "", List.of(x, axesName), r.output(),
                    Nodes.intAttr("keepdims", 1)));
        } else {
            nodes.add(Nodes.node(draft.fresh(base + "_" + op), op, "", List.of(x), r.output(),
                    Nodes.intsAttr("axes", axes), Nodes.intAttr("keepdims", 1)));
        }
        draft.insertAfterProducer(r.tensor(), nodes);
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DType.FLOAT.onnxType())).build();
        draft.outputs.add(OnnxMl.ValueInfoProto.newBuilder().setName(r.output()).setType(type).build());
    }

    /** Every axis but the batch axis 0 and {@code keep}. */
    private static long[] axes(int rank, int keep) {
        List<Long> out = new ArrayList<>();
        for (int a = 1; a < rank; a++) {
            if (a != keep) {
                out.add((long) a);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
