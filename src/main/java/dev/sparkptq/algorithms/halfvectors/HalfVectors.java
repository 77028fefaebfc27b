package dev.sparkptq.algorithms.halfvectors;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.Use;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites eligible float parameter vectors of a model as FLOAT16 initializers read through a {@code Cast} (see the
 * package documentation for which, and why).
 */
public final class HalfVectors {
    /** Smaller tensors (scalars, epsilons) are left alone: a Cast node costs more bytes than it saves. */
    public static final int MIN_ELEMENTS = 16;

    private static final Set<String> ELEMENTWISE = Set.of("Mul", "Add", "Sub", "Div");
    private static final float MIN_NORMAL = 0x1p-14f;
    /** A tensor whose largest magnitude is below this is left alone (its values would be mostly subnormal). */
    private static final float MIN_LARGEST = 0x1p-10f;
    private static final float MAX_HALF = 65504f;

    private HalfVectors() {
    }

    /**
     * @param model    the rewritten model
     * @param tensors  the initializers now stored as FLOAT16
     * @param bytesBefore their FP32 data size
     * @param bytesAfter  their FLOAT16 data size
     */
    public record Result(OnnxMl.ModelProto model, List<String> tensors, long bytesBefore, long bytesAfter) {
        public Result {
            tensors = List.copyOf(tensors);
        }
    }

    public static Result apply(OnnxMl.ModelProto model) {
        ModelGraph graph = ModelGraph.of(model);
        Set<String> graphInputs = new HashSet<>();
        model.getGraph().getInputList().forEach(v -> graphInputs.add(v.getName()));
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder().clearInitializer();
        List<OnnxMl.NodeProto> casts = new ArrayList<>();
        List<String> converted = new ArrayList<>();
        long before = 0;
        long after = 0;
        Set<String> names = new HashSet<>(graph.nodeNames());
        model.getGraph().getInitializerList().forEach(t -> names.add(t.getName()));
        model.getGraph().getNodeList().forEach(n -> names.addAll(n.getOutputList()));
        names.addAll(graphInputs);
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            String name = t.getName();
            float[] values = eligible(graph, graphInputs, t);
            if (values == null) {
                g.addInitializer(t);
                continue;
            }
            String half = fresh(names, name + "_float16");
            g.addInitializer(halfTensor(t, half, values));
            casts.add(OnnxMl.NodeProto.newBuilder().setName(fresh(names, name + "_Cast")).setOpType("Cast")
                    .addInput(half).addOutput(name).addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                            .setType(OnnxMl.AttributeProto.AttributeType.INT)
                            .setI(OnnxMl.TensorProto.DataType.FLOAT_VALUE)).build());
            converted.add(name);
            before += 4L * values.length;
            after += 2L * values.length;
        }
        if (converted.isEmpty()) {
            return new Result(model, List.of(), 0, 0);
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(casts);
        nodes.addAll(model.getGraph().getNodeList());
        g.clearNode().addAllNode(nodes);
        return new Result(model.toBuilder().setGraph(g).build(), converted, before, after);
    }

    /** The tensor's values when it qualifies, else {@code null}. */
    private static float[] eligible(ModelGraph graph, Set<String> graphInputs, OnnxMl.TensorProto t) {
        String name = t.getName();
        if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE || graphInputs.contains(name)
                || graph.isGraphOutput(name) || graph.consumers(name).isEmpty()) {
            return null;
        }
        for (Use u : graph.consumers(name)) {
            boolean elementwise = ELEMENTWISE.contains(u.node().opType());
            boolean table = u.node().opType().equals("Gather") && u.inputIndex() == 0;
            if (!u.node().isDefaultDomain() || !(elementwise || table)) {
                return null;
            }
        }
        Tensor v = TensorProtos.toTensor(t);
        if (v.numel() < MIN_ELEMENTS) {
            return null;
        }
        float[] values = v.toFloats();
        float largest = 0;
        for (float x : values) {
            float a = Math.abs(x);
            if (!(a <= MAX_HALF)) { // also NaN
                return null;
            }
            largest = Math.max(largest, a);
        }
        return largest >= MIN_LARGEST ? values : null;
    }

    private static OnnxMl.TensorProto halfTensor(OnnxMl.TensorProto t, String name, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : values) {
            b.putShort(toHalf(x));
        }
        return OnnxMl.TensorProto.newBuilder().setName(name).addAllDims(t.getDimsList())
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT16_VALUE).setRawData(ByteString.copyFrom(b.array()))
                .build();
    }

    /**
     * The nearest half float (ties to even) of a finite value of magnitude at most 65504 (callers check; the result
     * of any other value is unspecified). Below 2<sup>−14</sup> halves are subnormal: steps of 2<sup>−24</sup>.
     */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (Float.intBitsToFloat(magnitude) < MIN_NORMAL) {
            // exact: scaling by a power of two; rint rounds ties to even; 1024 steps is the smallest normal
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24));
        }
        int exponent = (magnitude >>> 23) - 127 + 15;
        int mantissa = magnitude & 0x7fffff;
        int half = (exponent << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || rest == 0x1000 && (half & 1) == 1) {
            half++; // a carry out of the mantissa correctly bumps the exponent
        }
        return (short) (sign | half);
    }

    /** The float value of a finite half (the inverse of {@link #toHalf} on its results). */
    static float toFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            return Float.intBitsToFloat(sign | Float.floatToRawIntBits(mantissa * 0x1p-24f));
        }
        return Float.intBitsToFloat(sign | (exponent - 15 + 127) << 23 | mantissa << 13);
    }

    private static String fresh(Set<String> taken, String base) {
        String n = base;
        for (int i = 1; !taken.add(n); i++) {
            n = base + "_" + i;
        }
        return n;
    }
}
