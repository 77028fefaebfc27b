package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.OpsetConversion;

import java.util.ArrayList;
import java.util.List;

/**
 * Unnamed nodes are named {@code <OpType>_<n>} and repeated names made unique, deterministically: quantization plans,
 * ignored scopes and reports address nodes by name.
 */
final class NodeNaming implements PreparationStep {
    static final String NAME = "node_names";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        OnnxMl.ModelProto out = OpsetConversion.withUniqueNodeNames(model);
        if (out == model) {
            return new Result(model, StepRecord.none(NAME, "node names already unique"));
        }
        List<String> renamed = new ArrayList<>();
        for (int i = 0; i < model.getGraph().getNodeCount(); i++) {
            if (!model.getGraph().getNode(i).getName().equals(out.getGraph().getNode(i).getName())) {
                renamed.add(out.getGraph().getNode(i).getName());
            }
        }
        return new Result(out, new StepRecord(NAME, renamed.size(), StepRecord.count(renamed.size(),
                "node") + " named or renamed to be unique", renamed));
    }
}
