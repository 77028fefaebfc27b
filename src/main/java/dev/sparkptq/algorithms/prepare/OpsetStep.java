package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.OpsetConversion;

import java.util.List;

/**
 * The default-domain opset to 13, the first with per-channel Q/DQ ({@link OpsetConversion#toPerChannelOpset}):
 * element types and shapes are inferred first, so untyped intermediate values (PaddleOCR's Clip inputs) get the
 * type their producers imply; opset 1–6 forms are rewritten to opset 7 first.
 */
final class OpsetStep implements PreparationStep {
    static final String NAME = "opset_conversion";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        OpsetConversion.Converted c = OpsetConversion.toPerChannelOpset(model);
        if (c.from() == c.to()) {
            String why = c.note() != null ? c.note() : "opset " + c.from() + " already has per-channel Q/DQ";
            return new Result(c.model(), StepRecord.none(NAME, why));
        }
        int changed = countChanged(model.getGraph(), c.model().getGraph());
        return new Result(c.model(), new StepRecord(NAME, changed, "opset " + c.from() + " → " + c.to() + " ("
                + StepRecord.count(changed, "node") + " rewritten, the others carried over unchanged)", List.of()));
    }

    /** Nodes of {@code after} that are not byte-identical to a node of {@code before}. */
    private static int countChanged(OnnxMl.GraphProto before, OnnxMl.GraphProto after) {
        java.util.Set<OnnxMl.NodeProto> old = new java.util.HashSet<>(before.getNodeList());
        return (int) after.getNodeList().stream().filter(n -> !old.contains(n)).count();
    }
}
