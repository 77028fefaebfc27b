package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which opsets spark-ptq accepts and how a model of an older opset reaches opset 13.
 *
 * <p>Per-channel QuantizeLinear/DequantizeLinear (the {@code axis} attribute) needs opset 13. A model of opset 1..12
 * (a pre-opset_import model of IR version 1 or 2 is read at opset 1, see {@link OpsetConversion#readLegacy}) is
 * converted to opset 13 by {@link OpsetUpgrade} (same numerics: ops whose meaning did not change are kept, ops
 * whose attributes became inputs or whose meaning changed are rewritten). When some node cannot be converted, an
 * opset 10..12 model keeps its opset (QuantizeLinear exists from opset 10, but only per-tensor) and an older one is
 * rejected with the advice to use onnx's version_converter.
 */
final class OpsetPolicy {
    static final int MIN_OPSET = 1;
    static final int MAX_OPSET = 23;
    static final int PER_CHANNEL_OPSET = 13;
    static final int QDQ_OPSET = 10;

    /** Smallest IR version that may declare each opset (onnx/helper.py VERSION_TABLE). */
    private static final int[] MIN_IR = {0, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9, 10, 10, 11};

    private OpsetPolicy() {
    }

    static int opset(OnnxMl.ModelProto model) {
        for (OnnxMl.OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                return (int) id.getVersion();
            }
        }
        return 0;
    }

    static int minIrVersion(int opset) {
        return MIN_IR[opset];
    }

    static OnnxMl.ModelProto prepare(OnnxMl.ModelProto model) {
        OnnxMl.ModelProto legacy = OpsetConversion.readLegacy(model).model();
        OnnxMl.ModelProto named = legacy.toBuilder()
                .setGraph(NodeNames.uniquify(withoutInitializerInputs(legacy.getGraph()))).build();
        OpsetConversion.Converted converted = convert(named);
        OnnxMl.ModelProto.Builder b = converted.model().toBuilder();
        b.setGraph(NodeNames.uniquify(ConstantFolding.fold(b.getGraph(), converted.to())));
        return b.build();
    }

    /**
     * The model at opset 13 when every node converts; an opset 10..12 model with a node the converter refuses keeps
     * its opset (per-tensor Q/DQ only); anything else is refused. The IR version is raised as the opset requires.
     */
    static OpsetConversion.Converted convert(OnnxMl.ModelProto model) {
        int opset = opset(model);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelException("model opset " + opset + " is not supported (" + MIN_OPSET + ".." + MAX_OPSET
                    + "); convert the model to opset 13..." + MAX_OPSET + " with onnx.version_converter");
        }
        OnnxMl.ModelProto.Builder b = model.toBuilder();
        int target = opset;
        String note = null;
        if (opset < PER_CHANNEL_OPSET) {
            OpsetUpgrade.Outcome outcome = OpsetUpgrade.tryUpgrade(model);
            if (outcome instanceof OpsetUpgrade.Upgraded up) {
                b = up.model().toBuilder();
                target = PER_CHANNEL_OPSET;
            } else if (opset < QDQ_OPSET) {
                throw new ModelException(((OpsetUpgrade.Refused) outcome).message(opset) + "; opset " + opset
                        + " has no QuantizeLinear to fall back on");
            } else {
                note = ((OpsetUpgrade.Refused) outcome).message(opset) + "; kept at opset " + opset
                        + " (per-tensor weights only)";
            }
        }
        b.setIrVersion(Math.max(model.getIrVersion(), MIN_IR[target]));
        return new OpsetConversion.Converted(b.build(), opset, target, note);
    }

    static void setOpset(OnnxMl.ModelProto.Builder b, int version) {
        for (int i = 0; i < b.getOpsetImportCount(); i++) {
            String d = b.getOpsetImport(i).getDomain();
            if (d.isEmpty() || d.equals("ai.onnx")) {
                b.setOpsetImport(i, b.getOpsetImport(i).toBuilder().setVersion(version));
            }
        }
    }

    /**
     * Old (IR &lt; 4) exporters list every initializer as a graph input too. From IR 4 on ONNX Runtime treats such
     * initializers as overridable inputs: it will not constant-fold them, so QDQ weight patterns would not fuse.
     */
    static OnnxMl.GraphProto withoutInitializerInputs(OnnxMl.GraphProto g) {
        Set<String> inits = new HashSet<>();
        g.getInitializerList().forEach(t -> inits.add(t.getName()));
        if (g.getInputList().stream().noneMatch(v -> inits.contains(v.getName()))) {
            return g;
        }
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearInput();
        g.getInputList().stream().filter(v -> !inits.contains(v.getName())).forEach(b::addInput);
        return b.build();
    }

    /** Deterministic node naming: unnamed nodes become {@code <OpType>_<n>}, repeated names get {@code _<k>}. */
    static final class NodeNames {
        private NodeNames() {
        }

        static OnnxMl.GraphProto uniquify(OnnxMl.GraphProto g) {
            Set<String> taken = new HashSet<>();
            g.getNodeList().forEach(n -> taken.add(n.getName()));
            Set<String> used = new HashSet<>();
            Map<String, Integer> counters = new HashMap<>();
            OnnxMl.GraphProto.Builder b = g.toBuilder();
            for (int i = 0; i < g.getNodeCount(); i++) {
                String name = g.getNode(i).getName();
                String fresh = name;
                if (name.isEmpty()) {
                    String op = g.getNode(i).getOpType();
                    do {
                        fresh = op + "_" + counters.merge(op, 1, Integer::sum);
                    } while (taken.contains(fresh));
                } else if (used.contains(name)) {
                    int k = 1;
                    while (taken.contains(name + "_" + k)) {
                        k++;
                    }
                    fresh = name + "_" + k;
                }
                taken.add(fresh);
                used.add(fresh);
                if (!fresh.equals(name)) {
                    b.setNode(i, g.getNode(i).toBuilder().setName(fresh));
                }
            }
            return b.build();
        }
    }
}
