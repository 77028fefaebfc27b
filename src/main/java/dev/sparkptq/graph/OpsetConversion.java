package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;

/**
 * The opset side of model preparation, as public steps: reading a legacy model's implied opset and attribute types,
 * and converting the default-domain opset to 13 ({@link OpsetPolicy}, {@link OpsetUpgrade}).
 */
public final class OpsetConversion {
    /** opset_import exists from IR version 3 on; older models use the default domain at opset 1. */
    static final int FIRST_IR_WITH_OPSET_IMPORT = 3;

    /**
     * @param from default-domain opset before
     * @param to   after (13, or {@code from} when it was kept)
     * @param note why the opset was kept below 13; null when converted or already ≥ 13
     */
    public record Converted(OnnxMl.ModelProto model, int from, int to, String note) {
    }

    /**
     * @param impliedOpset       the default-domain opset a model without opset_import was read at; 0 when it had one
     * @param attributeTypesSet  attributes whose missing {@code type} field was set from the value they hold
     */
    public record LegacyRead(OnnxMl.ModelProto model, int irVersion, int impliedOpset, int attributeTypesSet) {
    }

    private OpsetConversion() {
    }

    /**
     * A model whose default-domain opset is known: an IR version 1–2 model (before opset_import existed) is read at
     * the default domain's opset 1; attribute types that old exporters left unset are set from the value each
     * attribute holds (ONNX's checker rejects them, ONNX Runtime reads them).
     *
     * @throws ModelException when a model of IR version 3 or later imports no version of the default domain its
     *                        nodes use (the real cause, instead of an "opset 0")
     */
    public static LegacyRead readLegacy(OnnxMl.ModelProto model) {
        AttributeTypes.Filled filled = AttributeTypes.fill(model.getGraph());
        OnnxMl.ModelProto.Builder b = model.toBuilder();
        if (filled.count() > 0) {
            b.setGraph(filled.graph());
        }
        int implied = 0;
        if (OpsetPolicy.opset(model) == 0 && usesDefaultDomain(model.getGraph())) {
            if (model.getIrVersion() >= FIRST_IR_WITH_OPSET_IMPORT || model.getOpsetImportCount() > 0) {
                throw new ModelException("the model (IR version " + model.getIrVersion() + ") has nodes of the ONNX "
                        + "default domain but its opset_import " + (model.getOpsetImportCount() == 0 ? "is empty"
                        : "lists no version of it") + ", so the version of its operators is unknown; re-export the "
                        + "model, or add the opset it was built for (onnx.helper.make_opsetid('', N))");
            }
            implied = 1;
            b.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(implied));
        }
        return new LegacyRead(b.build(), (int) model.getIrVersion(), implied, filled.count());
    }

    /**
     * Converts the default-domain opset to 13 (same numerics), keeps an opset 10–12 model whose nodes cannot all
     * be converted at its opset, and refuses anything else with the node that stopped it.
     *
     * @throws ModelException naming the opset or the node, and how to convert the model instead
     */
    public static Converted toPerChannelOpset(OnnxMl.ModelProto model) {
        return OpsetPolicy.convert(model);
    }

    /** The model without initializers listed as graph inputs (old exporters list them; ORT then cannot fold them). */
    public static OnnxMl.ModelProto withoutInitializerInputs(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto g = OpsetPolicy.withoutInitializerInputs(model.getGraph());
        return g == model.getGraph() ? model : model.toBuilder().setGraph(g).build();
    }

    /** Unnamed nodes named {@code <OpType>_<n>}, repeated names made unique (deterministically). */
    public static OnnxMl.ModelProto withUniqueNodeNames(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto g = OpsetPolicy.NodeNames.uniquify(model.getGraph());
        return g.equals(model.getGraph()) ? model : model.toBuilder().setGraph(g).build();
    }

    private static boolean usesDefaultDomain(OnnxMl.GraphProto g) {
        return g.getNodeList().stream().anyMatch(OpsetStability::defaultDomain);
    }
}
