package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Upgrades a model whose default-domain opset is 1..12 to opset 13 without changing what it computes, so that
 * per-channel QuantizeLinear/DequantizeLinear (the {@code axis} attribute, opset 13) can be used.
 *
 * <p>Ops of opsets 1–6 are first brought to their opset-7 forms ({@link LegacyOps}). Ops whose meaning did not
 * change are kept ({@link OpsetStability}); ops whose attributes became inputs are rewritten by
 * {@link AttributeInputs} (Squeeze, Unsqueeze, ReduceSum, Split, Slice-1, TopK-1, Pad-2, Clip-6); ops
 * whose meaning changed by {@link SemanticUpgrades} (Softmax/LogSoftmax/Hardmax, Dropout, Upsample, Resize-10,
 * Scatter); BatchNormalization-7 loses its {@code spatial=1} attribute (the only value opset 9 kept). Anything
 * else is refused with a message naming the node. Non-default domains are left alone; graph input and output names
 * never change; added nodes and initializers get fresh names derived from the node they replace.
 *
 * <p>Before/after, for a rank-unknown Softmax-11 ({@code axis=1}):
 * <pre>
 *   x ─► Softmax(axis=1) ─► y
 *   x ─► Flatten(axis=1) ─► Softmax(axis=-1) ─► Reshape(·, Shape(x)) ─► y
 * </pre>
 */
final class OpsetUpgrade {
    static final int TARGET = 13;
    /** Below this opset, ops are first rewritten into their opset-7 forms by {@link LegacyOps}. */
    static final int LEGACY_LIMIT = 7;

    /** Result of {@link #tryUpgrade}: the upgraded model, or the node that stopped it. */
    sealed interface Outcome permits Upgraded, Refused {
    }

    record Upgraded(OnnxMl.ModelProto model) implements Outcome {
    }

    /** {@code opType}/{@code nodeName} of the first node that cannot be converted, and why. */
    record Refused(String opType, String nodeName, String reason) implements Outcome {
        String message(int opset) {
            return opType + " node '" + nodeName + "' of this opset-" + opset + " model cannot be converted to opset "
                    + TARGET + ": " + reason + "; convert the model with onnx's version_converter "
                    + "(onnx.version_converter.convert_version(model, 13))";
        }
    }

    /** Thrown by the node rewrites; caught here and turned into {@link Refused}. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Refused refused;

        Refusal(OnnxMl.NodeProto n, String reason) {
            super(reason, null, false, false);
            this.refused = new Refused(n.getOpType(), n.getName(), reason);
        }
    }

    private OpsetUpgrade() {
    }

    /**
     * The model at opset 13, with the IR version raised as opset 13 requires.
     *
     * @throws ModelException naming the first node that cannot be converted, with the advice to use onnx's converter
     */
    static OnnxMl.ModelProto upgrade(OnnxMl.ModelProto model) {
        Outcome o = tryUpgrade(model);
        if (o instanceof Refused r) {
            throw new ModelException(r.message(OpsetPolicy.opset(model)));
        }
        return ((Upgraded) o).model();
    }

    /** Upgrades a model of opset 1..12 (returned unchanged at opset 13 and above). */
    static Outcome tryUpgrade(OnnxMl.ModelProto model) {
        int opset = OpsetPolicy.opset(model);
        if (opset >= TARGET) {
            return new Upgraded(model);
        }
        if (opset < OpsetPolicy.MIN_OPSET) {
            return new Refused("(model)", "", "opset " + opset + " is below " + OpsetPolicy.MIN_OPSET);
        }
        try {
            OnnxMl.GraphProto g = model.getGraph();
            if (opset < LEGACY_LIMIT) {
                g = LegacyOps.toOpset7(g, opset);
            }
            OnnxMl.ModelProto.Builder b = model.toBuilder().setGraph(upgradeGraph(g, Math.max(opset, LEGACY_LIMIT)));
            OpsetPolicy.setOpset(b, TARGET);
            b.setIrVersion(Math.max(model.getIrVersion(), OpsetPolicy.minIrVersion(TARGET)));
            return new Upgraded(b.build());
        } catch (Refusal r) {
            return r.refused;
        }
    }

    private static OnnxMl.GraphProto upgradeGraph(OnnxMl.GraphProto g, int opset) {
        UpgradeContext ctx = new UpgradeContext(g, opset);
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (!OpsetStability.defaultDomain(n)) {
                b.addNode(n);
                continue;
            }
            switch (OpsetStability.verdict(n, opset)) {
                case KEEP -> b.addNode(n);
                case CONVERT -> b.addAllNode(convert(n, ctx));
                case REFUSE -> throw new Refusal(n, OpsetStability.refusalReason(n, opset));
                default -> throw new IllegalStateException("unhandled verdict");
            }
        }
        b.addAllInitializer(ctx.addedInitializers());
        return withoutOrphanedInitializers(b.build(), g);
    }

    /** Drops initializers that only rewritten nodes read (Dropout's ratio, Upsample's old scales …). */
    static OnnxMl.GraphProto withoutOrphanedInitializers(OnnxMl.GraphProto g, OnnxMl.GraphProto before) {
        Set<String> readBefore = readNames(before);
        Set<String> read = readNames(g);
        g.getInputList().forEach(i -> read.add(i.getName()));
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearInitializer();
        g.getInitializerList().stream().filter(t -> read.contains(t.getName()) || !readBefore.contains(t.getName()))
                .forEach(b::addInitializer);
        return b.build();
    }

    private static Set<String> readNames(OnnxMl.GraphProto g) {
        Set<String> out = new HashSet<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            out.addAll(n.getInputList());
            out.addAll(Subgraphs.referencedNames(n));
        }
        g.getOutputList().forEach(o -> out.add(o.getName()));
        return out;
    }

    private static List<OnnxMl.NodeProto> convert(OnnxMl.NodeProto n, UpgradeContext ctx) {
        return switch (n.getOpType()) {
            case "Squeeze", "Unsqueeze", "ReduceSum" -> List.of(AttributeInputs.axes(n, ctx));
            case "Split" -> List.of(AttributeInputs.split(n, ctx));
            case "Slice" -> List.of(AttributeInputs.slice(n, ctx));
            case "TopK" -> List.of(AttributeInputs.topK(n, ctx));
            case "Pad" -> List.of(AttributeInputs.pad(n, ctx));
            case "Clip" -> List.of(AttributeInputs.clip(n, ctx));
            case "Softmax", "LogSoftmax", "Hardmax" -> SemanticUpgrades.softmax(n, ctx);
            case "Dropout" -> List.of(SemanticUpgrades.dropout(n, ctx));
            case "Upsample" -> List.of(SemanticUpgrades.upsample(n, ctx));
            case "Resize" -> List.of(SemanticUpgrades.resize10(n, ctx));
            case "Scatter" -> List.of(n.toBuilder().setOpType("ScatterElements").build());
            case "BatchNormalization" -> List.of(NodeProtos.rewire(n, n.getInputList(), "spatial").build());
            default -> throw new Refusal(n, "no conversion is defined for it");
        };
    }
}
