package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.TensorProtos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code Constant} nodes of the main graph become initializers of the same name, so the weights an exporter wrote as
 * Constant nodes (PaddleOCR's Paddle2ONNX writes every weight that way) are seen, quantized, compressed and fused
 * like any initializer — before, such a model came out larger than FP32 with no integer kernel.
 *
 * <p>Before: {@code Constant(value=W) ─► w ─► Conv}; after: {@code w (initializer) ─► Conv}. The tensor is copied
 * bit for bit (the {@code value} TensorProto, or {@code value_float(s)}/{@code value_int(s)} as a FLOAT/INT64
 * tensor), so the model computes exactly the same. Left alone: Constants whose output is a graph output (an
 * initializer cannot be one portably), sparse and string constants, and every node inside subgraphs.
 */
final class ConstantNodes implements PreparationStep {
    static final String NAME = "constants_to_initializers";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto g = model.getGraph();
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
        List<String> moved = new ArrayList<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            Optional<OnnxMl.TensorProto> t = n.getOutputCount() == 1 && !outputs.contains(n.getOutput(0))
                    ? initializer(n) : Optional.empty();
            if (t.isPresent()) {
                b.addInitializer(t.get());
                moved.add(n.getOutput(0));
            } else {
                b.addNode(n);
            }
        }
        if (moved.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "no Constant node holds a tensor"));
        }
        return new Result(model.toBuilder().setGraph(b).build(), new StepRecord(NAME, moved.size(),
                StepRecord.count(moved.size(), "Constant node") + " became initializers", moved));
    }

    /** The initializer a Constant node's value becomes, named as its output; empty for other nodes. */
    static Optional<OnnxMl.TensorProto> initializer(OnnxMl.NodeProto n) {
        if (!n.getOpType().equals("Constant") || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))
                || n.getAttributeCount() != 1) {
            return Optional.empty();
        }
        OnnxMl.AttributeProto a = n.getAttribute(0);
        String name = n.getOutput(0);
        if (a.getName().equals("value") && a.hasT()) {
            return Optional.of(a.getT().toBuilder().setName(name).build());
        }
        if (a.getName().startsWith("value_float") || a.getName().startsWith("value_int")) {
            return TensorProtos.constantNodeValue(n).map(v -> TensorProtos.fromTensor(name, v));
        }
        return Optional.empty();
    }
}
