package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;

/** Test helper: tiny models shaped like real exporters write them (for model preparation tests). */
public final class ExportStyleModels {
    private ExportStyleModels() {
    }

    /** A Constant node holding {@code value}, named {@code name} (its output is {@code out}). */
    public static OnnxMl.NodeProto constant(String name, String out, Tensor value) {
        return OnnxMl.NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(out)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                        .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                        .setT(TensorProtos.fromTensor("", value))).build();
    }

    /**
     * A Paddle2ONNX-style export: opset 9, no initializers and no value_info, every weight an unnamed Constant node;
     * x[1,3,8,8] → Conv → BatchNormalization → Clip(min=0, max=6) (Clip-6: bounds as attributes, its input
     * untyped) → Conv → Dropout → y[1,4,8,8] (declared without shape).
     */
    public static OnnxMl.ModelProto paddleStyle() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("paddle")
                .addInput(TinyModels.floatInfo("x", 1, 3, 8, 8)).addOutput(OnnxMl.ValueInfoProto.newBuilder()
                        .setName("y").setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))));
        float[] var = TinyModels.randomFloats(8, 5);
        for (int i = 0; i < var.length; i++) {
            var[i] = 0.5f + Math.abs(var[i]);
        }
        g.addNode(constant("", "w1", TinyModels.randomTensor(1, 8, 3, 3, 3)))
                .addNode(constant("", "gamma", TinyModels.randomTensor(2, 8)))
                .addNode(constant("", "beta", TinyModels.randomTensor(3, 8)))
                .addNode(constant("", "mean", TinyModels.randomTensor(4, 8)))
                .addNode(constant("", "var", Tensor.ofFloats(new long[] {8}, var)))
                .addNode(constant("", "w2", TinyModels.randomTensor(6, 4, 8, 1, 1)))
                .addNode(node("Conv", "conv1", List.of("x", "w1"), List.of("c1"), ints("pads", 1, 1, 1, 1)))
                .addNode(node("BatchNormalization", "bn1", List.of("c1", "gamma", "beta", "mean", "var"),
                        List.of("b1")))
                .addNode(node("Clip", "relu6", List.of("b1"), List.of("r1"), floatAttr("min", 0f),
                        floatAttr("max", 6f)))
                .addNode(node("Conv", "conv2", List.of("r1", "w2"), List.of("c2")))
                .addNode(node("Dropout", "drop", List.of("c2"), List.of("y"), floatAttr("ratio", 0.1f)));
        return TinyModels.model(9, g).toBuilder().setIrVersion(4).build();
    }
}
