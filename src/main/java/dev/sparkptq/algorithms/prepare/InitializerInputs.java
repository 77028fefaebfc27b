package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.OpsetConversion;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Initializers that old exporters (IR &lt; 4) also list as graph inputs are no longer inputs: from IR 4 on ONNX
 * Runtime treats them as overridable, so it would neither constant-fold them nor fuse Q/DQ weight patterns.
 */
final class InitializerInputs implements PreparationStep {
    static final String NAME = "initializer_inputs";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        OnnxMl.ModelProto out = OpsetConversion.withoutInitializerInputs(model);
        if (out == model) {
            return new Result(model, StepRecord.none(NAME, "no initializer is listed as a graph input"));
        }
        Set<String> kept = new HashSet<>();
        out.getGraph().getInputList().forEach(v -> kept.add(v.getName()));
        List<String> dropped = model.getGraph().getInputList().stream().map(OnnxMl.ValueInfoProto::getName)
                .filter(n -> !kept.contains(n)).toList();
        return new Result(out, new StepRecord(NAME, dropped.size(), StepRecord.count(dropped.size(),
                "initializer") + " no longer listed as graph inputs", dropped));
    }
}
