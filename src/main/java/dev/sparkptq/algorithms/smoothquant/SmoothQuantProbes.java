package dev.sparkptq.algorithms.smoothquant;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.plan.SmoothingGroup;

import java.util.List;

/**
 * The model SmoothQuant's statistics pass reads: the prepared model plus, after each group activation's producer, a
 * {@code Reshape(x, [1, -1, K])} named {@link SmoothingGroup#probe()} with a rank-3 value_info. Exported
 * transformers rarely record intermediate shapes, and a per-channel statistic needs its axis; flattening every
 * leading axis into one keeps the per-channel maximum over all tokens and samples exact (a maximum does not care
 * which sample a token came from). Only the statistics model carries the probes, never the output.
 */
final class SmoothQuantProbes {
    private SmoothQuantProbes() {
    }

    static OnnxMl.ModelProto add(OnnxMl.ModelProto prepared, List<SmoothingGroup> groups) {
        OnnxMl.GraphProto.Builder g = prepared.getGraph().toBuilder();
        for (SmoothingGroup group : groups) {
            String shape = group.probe() + "_shape";
            g.addInitializer(TensorProtos.fromTensor(shape,
                    Tensor.ofLongs(new long[]{3}, new long[]{1, -1, group.channels()})));
            OnnxMl.NodeProto reshape = OnnxMl.NodeProto.newBuilder().setName(group.probe() + "_Reshape")
                    .setOpType("Reshape").addInput(group.activation()).addInput(shape).addOutput(group.probe())
                    .build();
            g.addNode(insertionIndex(g, group.activation()), reshape);
            g.addValueInfo(OnnxMl.ValueInfoProto.newBuilder().setName(group.probe())
                    .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(DType.FLOAT.onnxType()).setShape(shape3(group.channels())))));
        }
        return prepared.toBuilder().setGraph(g).build();
    }

    /** Right after the producer (topological order kept); at the start for graph inputs. */
    private static int insertionIndex(OnnxMl.GraphProto.Builder g, String tensor) {
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOutputList().contains(tensor)) {
                return i + 1;
            }
        }
        return 0;
    }

    private static OnnxMl.TensorShapeProto shape3(int channels) {
        return OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()) // unknown, no dim_param: reductions reuse names
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(channels)).build();
    }
}
