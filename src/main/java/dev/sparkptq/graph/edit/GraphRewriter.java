package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.graph.ModelGraph;
import java.util.List;

/**
 * Applies {@link GraphEdit}s to a copy of a model, in list order, then checks {@link GraphInvariants}. The input
 * proto is never modified; the same model and edits always give the same output.
 */
public final class GraphRewriter {
    private GraphRewriter() {
    }

    /**
     * @throws InternalException when an edit does not fit the model (unknown node or tensor, input already rewired,
     *                           per-channel below opset 13) or the result breaks an invariant
     */
    public static OnnxMl.ModelProto apply(OnnxMl.ModelProto model, List<GraphEdit> edits) {
        ModelGraph graph = ModelGraph.of(model);
        Draft draft = new Draft(graph);
        for (GraphEdit edit : edits) {
            if (edit instanceof GraphEdit.InsertQdq q) {
                QdqInserter.apply(draft, q);
            } else if (edit instanceof GraphEdit.AddOutput a) {
                addOutput(draft, a.tensor());
            } else if (edit instanceof GraphEdit.AddReduction r) {
                Reductions.apply(draft, r);
            } else if (edit instanceof GraphEdit.ScaleInput si) {
                InputScaling.scale(draft, si);
            } else if (edit instanceof GraphEdit.ReplaceConstantInput rc) {
                InputScaling.replaceConstant(draft, rc);
            } else if (edit instanceof GraphEdit.BypassNode b) {
                InputScaling.bypass(draft, b);
            } else if (edit instanceof GraphEdit.QuantizeDynamically q) {
                DynamicRewrites.quantize(draft, q);
            } else if (edit instanceof GraphEdit.CompressTable c) {
                DynamicRewrites.compressTable(draft, c);
            } else if (edit instanceof GraphEdit.SetMetadata m) {
                draft.setMetadata(m.key(), m.value());
            } else {
                throw new InternalException("unhandled graph edit " + edit);
            }
        }
        OnnxMl.ModelProto rewritten = draft.build();
        GraphInvariants.check(graph.proto(), rewritten);
        return rewritten;
    }

    /** Declares the tensor's element type when the model records it (ORT rejects a wrong one), else FLOAT. */
    private static void addOutput(Draft draft, String tensor) {
        if (draft.outputs.stream().anyMatch(v -> v.getName().equals(tensor))) {
            return;
        }
        if (!draft.exists(tensor)) {
            throw new InternalException("AddOutput names tensor '" + tensor + "', which no node, initializer or "
                    + "graph input provides");
        }
        DType dtype = draft.original.info(tensor).map(TensorInfo::dtype).orElse(null);
        int elemType = dtype == null ? DType.FLOAT.onnxType() : dtype.onnxType();
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType)).build();
        draft.outputs.add(OnnxMl.ValueInfoProto.newBuilder().setName(tensor).setType(type).build());
    }
}
