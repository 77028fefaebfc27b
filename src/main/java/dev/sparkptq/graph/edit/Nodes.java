package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/** Small NodeProto/AttributeProto factories for the rewriter. */
final class Nodes {
    private Nodes() {
    }

    static OnnxMl.NodeProto node(String name, String op, String domain, List<String> inputs, String output,
                                 OnnxMl.AttributeProto... attrs) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(inputs)
                .addOutput(output);
        if (!domain.isEmpty()) {
            b.setDomain(domain);
        }
        for (OnnxMl.AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static OnnxMl.AttributeProto floatAttr(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    static OnnxMl.AttributeProto intsAttr(String name, long[] values) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }
}
