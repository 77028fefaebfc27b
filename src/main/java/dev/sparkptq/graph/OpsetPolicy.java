package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which opsets spark-ptq accepts and when an old model may simply be relabelled as opset 13.
 *
 * <p>Per-channel QuantizeLinear/DequantizeLinear (the {@code axis} attribute) needs opset 13. Relabelling a model's
 * default-domain opset import is safe only when every op it uses means the same at opset 13 as at the model's opset
 * for any valid model. The whitelist below was checked against the ONNX operator changelog, version by version from
 * opset 7 to 13: it excludes every op whose attributes became inputs (Pad-11, Slice-10, Clip-11, Split-13,
 * Squeeze/Unsqueeze-13, ReduceSum-13, TopK-10, Resize/Upsample), whose meaning changed (Softmax, LogSoftmax and
 * Hardmax-13 axis handling; Dropout's ratio/training inputs) or that carries subgraphs (If, Loop, Scan). ReduceMean,
 * ReduceMax, ReduceMin and ReduceProd are kept: their {@code axes} stays an attribute until opset 18.
 * BatchNormalization is kept only without {@code spatial=0} (the attribute was removed at opset 9).
 */
final class OpsetPolicy {
    static final int MIN_OPSET = 7;
    static final int MAX_OPSET = 23;
    static final int PER_CHANNEL_OPSET = 13;
    static final int QDQ_OPSET = 10;

    private static final Set<String> STABLE_TO_13 = Set.of(
            "Conv", "ConvTranspose", "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "PRelu",
            "Sigmoid", "Tanh", "Elu", "Selu", "HardSigmoid", "Softplus", "Softsign", "MaxPool", "AveragePool",
            "GlobalAveragePool", "GlobalMaxPool", "LRN", "InstanceNormalization", "BatchNormalization", "Reshape",
            "Concat", "Flatten", "Transpose", "Identity", "Shape", "Gather", "Constant", "Cast", "Sqrt", "Exp", "Log",
            "Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Max", "Min", "Sum", "Mean", "Pow", "Erf", "Where", "Expand",
            "Tile", "Equal", "Greater", "Less", "Not", "And", "Or", "ReduceMean", "ReduceMax", "ReduceMin",
            "ReduceProd");

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

    static OnnxMl.ModelProto prepare(OnnxMl.ModelProto model) {
        int opset = opset(model);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelException("model opset " + opset + " is not supported (" + MIN_OPSET + ".." + MAX_OPSET
                    + "); convert the model to opset 13..." + MAX_OPSET + " with onnx.version_converter");
        }
        int target = opset;
        if (opset < PER_CHANNEL_OPSET) {
            OnnxMl.NodeProto blocker = firstUnstableNode(model.getGraph());
            if (blocker == null) {
                target = PER_CHANNEL_OPSET;
            } else if (opset < QDQ_OPSET) {
                throw new ModelException(blocker.getOpType() + " node '" + blocker.getName() + "' of this opset-"
                        + opset + " model may change meaning at opset 13 and opset " + opset + " has no "
                        + "QuantizeLinear; convert the model to opset >= 13 with onnx's version_converter "
                        + "(onnx.version_converter.convert_version(model, 13))");
            }
        }
        OnnxMl.ModelProto.Builder b = model.toBuilder();
        setOpset(b, target);
        b.setIrVersion(Math.max(model.getIrVersion(), MIN_IR[target]));
        b.setGraph(NodeNames.uniquify(ConstantFolding.fold(withoutInitializerInputs(model.getGraph()), opset)));
        return b.build();
    }

    private static OnnxMl.NodeProto firstUnstableNode(OnnxMl.GraphProto g) {
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            if (defaultDomain && (!STABLE_TO_13.contains(n.getOpType()) || spatialBatchNorm(n))) {
                return n;
            }
        }
        return null;
    }

    private static boolean spatialBatchNorm(OnnxMl.NodeProto n) {
        return n.getOpType().equals("BatchNormalization") && n.getAttributeList().stream()
                .anyMatch(a -> a.getName().equals("spatial") && a.getI() != 1);
    }

    private static void setOpset(OnnxMl.ModelProto.Builder b, int version) {
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
    private static OnnxMl.GraphProto withoutInitializerInputs(OnnxMl.GraphProto g) {
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
