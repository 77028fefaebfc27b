package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.sparkptq.graph.TinyModels;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.node;

/** Models that are wrong in one way each, for the bad-input catalogue. */
final class BadModels {
    private BadModels() {
    }

    /** A Relu of domain {@code com.example} (no opset import for it) after the last Conv. */
    static OnnxMl.ModelProto withUnknownDomain(OnnxMl.ModelProto m) {
        return appendAfterOutput(m, node("Relu", "custom", List.of("y0"), List.of("y")).toBuilder()
                .setDomain("com.example").build());
    }

    /** An op the default domain does not have after the last Conv. */
    static OnnxMl.ModelProto withUnsupportedOp(OnnxMl.ModelProto m) {
        return appendAfterOutput(m, node("Frobnicate", "frob", List.of("y0"), List.of("y")));
    }

    /** The first initializer (W1) declaring 2^31 × 2^31 × 4 elements while holding a few bytes. */
    static OnnxMl.ModelProto hugeInitializer(OnnxMl.ModelProto m) {
        OnnxMl.TensorProto w = m.getGraph().getInitializer(0).toBuilder().clearDims().addDims(1L << 31)
                .addDims(1L << 31).addDims(4).addDims(1).setRawData(ByteString.copyFrom(new byte[16])).build();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, w)).build();
    }

    /** The model with its first input declared with {@code dims} (negative = symbolic). */
    static OnnxMl.ModelProto withInputShape(OnnxMl.ModelProto m, long... dims) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder b = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            s.addDim(d < 0 ? b.setDimParam("d" + s.getDimCount()) : b.setDimValue(d));
        }
        OnnxMl.ValueInfoProto in = m.getGraph().getInput(0);
        OnnxMl.ValueInfoProto changed = in.toBuilder().setType(in.getType().toBuilder().setTensorType(
                in.getType().getTensorType().toBuilder().setShape(s))).build();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInput(0, changed)).build();
    }

    /** input_ids INT64[1,8] → Cast → MatMul (W[8,4]) → y: a model the text reader can feed. */
    static OnnxMl.ModelProto tokenIds() {
        return TinyModels.model(13, OnnxMl.GraphProto.newBuilder().setName("ids")
                .addInput(TinyModels.info("input_ids", OnnxMl.TensorProto.DataType.INT64_VALUE, 1, 8))
                .addOutput(TinyModels.floatInfo("y", 1, 4))
                .addInitializer(TinyModels.floats("W", 7, 8, 4))
                .addNode(node("Cast", "cast", List.of("input_ids"), List.of("f"), OnnxMl.AttributeProto.newBuilder()
                        .setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(OnnxMl.TensorProto.DataType.FLOAT_VALUE).build()))
                .addNode(node("MatMul", "mm", List.of("f", "W"), List.of("y"))));
    }

    /** Renames the graph output's producer output to y0 and appends {@code tail} (y0 → y). */
    private static OnnxMl.ModelProto appendAfterOutput(OnnxMl.ModelProto m, OnnxMl.NodeProto tail) {
        OnnxMl.GraphProto g = m.getGraph();
        int last = g.getNodeCount() - 1;
        OnnxMl.NodeProto producer = g.getNode(last).toBuilder().setOutput(0, "y0").build();
        return m.toBuilder().setGraph(g.toBuilder().setNode(last, producer).addNode(tail)).build();
    }
}
