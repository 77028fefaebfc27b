package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@link ModelIo#compressModelWeights}: folds every QuantizeLinear of the main graph whose inputs are all
 * initializers into an integer initializer named after its output, with ONNX's own arithmetic
 * ({@link QuantMath}, saturating to the zero point's type). Float weights nothing else reads are dropped.
 */
final class WeightCompression {
    private static final int DEFAULT_AXIS = 1;

    private WeightCompression() {
    }

    static OnnxMl.ModelProto apply(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        graph.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearNode();
        Map<String, OnnxMl.TensorProto> added = new HashMap<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (foldable(node, inits)) {
                added.put(node.getOutput(0), fold(node, inits));
            } else {
                out.addNode(node);
            }
        }
        if (added.isEmpty()) {
            return model;
        }
        Set<String> used = new HashSet<>();
        out.getNodeList().forEach(n -> used.addAll(n.getInputList()));
        out.getOutputList().forEach(o -> used.add(o.getName()));
        out.clearInitializer();
        graph.getInitializerList().stream().filter(t -> used.contains(t.getName())).forEach(out::addInitializer);
        added.values().forEach(out::addInitializer);
        return model.toBuilder().setGraph(out).build();
    }

    private static boolean foldable(OnnxMl.NodeProto node, Map<String, OnnxMl.TensorProto> inits) {
        if (!node.getOpType().equals("QuantizeLinear") || !(node.getDomain().isEmpty()
                || node.getDomain().equals("ai.onnx")) || node.getInputCount() < 2) {
            return false;
        }
        for (String input : node.getInputList()) {
            if (!input.isEmpty() && !inits.containsKey(input)) {
                return false;
            }
        }
        return inits.get(node.getInput(0)).getDataType() == DType.FLOAT.onnxType();
    }

    private static OnnxMl.TensorProto fold(OnnxMl.NodeProto node, Map<String, OnnxMl.TensorProto> inits) {
        Tensor x = TensorProtos.toTensor(inits.get(node.getInput(0)));
        float[] scale = TensorProtos.toTensor(inits.get(node.getInput(1))).toFloats();
        boolean hasZp = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        Tensor zpTensor = hasZp ? TensorProtos.toTensor(inits.get(node.getInput(2))) : null;
        DType storage = hasZp ? zpTensor.dtype() : DType.UINT8;
        float[] zp = hasZp ? zpTensor.toFloats() : new float[scale.length];
        int lo = QuantParams.typeMin(storage);
        int hi = QuantParams.typeMax(storage);
        long inner = scale.length == 1 ? x.numel() : innerSize(x.shape(), axis(node, x.rank()));
        float[] w = x.floats();
        int[] q = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = scale.length == 1 ? 0 : (int) ((i / inner) % scale.length);
            q[i] = QuantMath.quantize(w[i], scale[c], (int) zp[c], lo, hi);
        }
        return TensorProtos.fromTensor(node.getOutput(0), ofStorage(storage, x.shape(), q));
    }

    private static int axis(OnnxMl.NodeProto node, int rank) {
        for (OnnxMl.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("axis")) {
                return (int) (a.getI() < 0 ? a.getI() + rank : a.getI());
            }
        }
        return DEFAULT_AXIS;
    }

    /** Elements per step of the channel axis: the product of the dimensions after it. */
    private static long innerSize(long[] shape, int axis) {
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return inner;
    }

    private static Tensor ofStorage(DType storage, long[] shape, int[] q) {
        if (storage == DType.INT16 || storage == DType.UINT16) {
            short[] s = new short[q.length];
            for (int i = 0; i < q.length; i++) {
                s[i] = (short) q[i];
            }
            return Tensor.ofShorts(storage, shape, s);
        }
        byte[] b = new byte[q.length];
        for (int i = 0; i < q.length; i++) {
            b[i] = (byte) q[i];
        }
        return Tensor.ofBytes(storage, shape, b);
    }
}
