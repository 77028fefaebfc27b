package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.OpsetConversion;

import java.util.ArrayList;
import java.util.List;

/**
 * A model from before ONNX 1.0 (IR version 1–2, no {@code opset_import}) is read as the ONNX default domain at
 * opset 1, and attributes whose {@code type} old exporters left unset get the type of the value they hold; a newer
 * model without an import of the default domain it uses is refused naming that cause
 * ({@link OpsetConversion#readLegacy}).
 */
final class LegacyModel implements PreparationStep {
    static final String NAME = "legacy_model";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        OpsetConversion.LegacyRead read = OpsetConversion.readLegacy(model);
        List<String> parts = new ArrayList<>();
        if (read.impliedOpset() > 0) {
            parts.add("IR version " + read.irVersion() + " predates opset_import: read as the ONNX default domain "
                    + "at opset " + read.impliedOpset());
        }
        if (read.attributeTypesSet() > 0) {
            parts.add(StepRecord.count(read.attributeTypesSet(), "attribute type") + " set from their values");
        }
        if (parts.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "opset_import and attribute types present"));
        }
        return new Result(read.model(), new StepRecord(NAME, (read.impliedOpset() > 0 ? 1 : 0)
                + read.attributeTypesSet(), String.join("; ", parts), List.of()));
    }
}
