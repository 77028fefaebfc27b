package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.ConstantFolding;
import dev.sparkptq.graph.ModelIo;

/**
 * Constant-only sub-graphs become initializers ({@link ConstantFolding}): shape sub-graphs of tensors whose shape
 * is static (so Reshape/Resize/Pad/Expand get constant arguments) and weights computed in the graph; then nodes
 * nothing reads are dropped.
 */
final class FoldConstants implements PreparationStep {
    static final String NAME = "constant_folding";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        ConstantFolding.Folded f = ConstantFolding.foldAll(model.getGraph(), ModelIo.opset(model));
        if (f.folded().isEmpty() && f.deadNodes() == 0) {
            return new Result(model, StepRecord.none(NAME, "no constant-only node"));
        }
        String summary = StepRecord.count(f.folded().size(), "constant-only node") + " folded into initializers"
                + (f.shapeReads() > 0 ? " (" + f.shapeReads() + " Shape/Size of static shapes)" : "")
                + (f.deadNodes() > 0 ? "; " + StepRecord.count(f.deadNodes(), "node") + " nothing read removed" : "");
        return new Result(model.toBuilder().setGraph(f.graph()).build(), new StepRecord(NAME,
                f.folded().size() + f.deadNodes(), summary, f.folded()));
    }
}
