package dev.sparkptq.algorithms.halfvectors;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.sparkptq.core.HalfFloat;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.FreshNames;
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
    /** A tensor whose largest magnitude is below this is left alone (its values would be mostly subnormal). */
    private static final float MIN_LARGEST = 0x1p-10f;

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
        FreshNames names = FreshNames.of(model.getGraph());
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            String name = t.getName();
            float[] values = eligible(graph, graphInputs, t);
            if (values == null) {
                g.addInitializer(t);
                continue;
            }
            String half = names.fresh(name + "_float16");
            g.addInitializer(halfTensor(t, half, values));
            casts.add(OnnxMl.NodeProto.newBuilder().setName(names.fresh(name + "_Cast")).setOpType("Cast")
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
            if (!(a <= HalfFloat.MAX)) { // also NaN
                return null;
            }
            largest = Math.max(largest, a);
        }
        return largest >= MIN_LARGEST ? values : null;
    }

    private static OnnxMl.TensorProto halfTensor(OnnxMl.TensorProto t, String name, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : values) {
            b.putShort(HalfFloat.toHalf(x));
        }
        return OnnxMl.TensorProto.newBuilder().setName(name).addAllDims(t.getDimsList())
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT16_VALUE).setRawData(ByteString.copyFrom(b.array()))
                .build();
    }
}
