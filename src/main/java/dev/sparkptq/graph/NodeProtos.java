package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Small helpers to read node attributes and build nodes, for graph rewrites (opset upgrade, model preparation). */
public final class NodeProtos {
    private NodeProtos() {
    }

    public static Optional<OnnxMl.AttributeProto> attr(OnnxMl.NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    public static long[] ints(OnnxMl.AttributeProto a) {
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static long intOr(OnnxMl.NodeProto n, String name, long fallback) {
        return attr(n, name).map(OnnxMl.AttributeProto::getI).orElse(fallback);
    }

    public static String stringOr(OnnxMl.NodeProto n, String name, String fallback) {
        return attr(n, name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
    }

    /** A copy of the node without the named attributes and with new inputs. */
    public static OnnxMl.NodeProto.Builder rewire(OnnxMl.NodeProto n, List<String> inputs, String... dropAttrs) {
        Set<String> drop = Set.of(dropAttrs);
        OnnxMl.NodeProto.Builder b = n.toBuilder().clearInput().addAllInput(inputs).clearAttribute();
        n.getAttributeList().stream().filter(a -> !drop.contains(a.getName())).forEach(b::addAttribute);
        return b;
    }

    public static OnnxMl.NodeProto node(String op, String name, List<String> inputs, List<String> outputs,
                                 OnnxMl.AttributeProto... attrs) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addAllOutput(outputs)
                .addAllAttribute(Arrays.asList(attrs)).build();
    }

    public static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    public static OnnxMl.AttributeProto intsAttr(String name, long... values) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static OnnxMl.AttributeProto stringAttr(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    /** The node's name, or its op type when it has none: the stem for names of values and nodes derived from it. */
    public static String stem(OnnxMl.NodeProto n) {
        return n.getName().isEmpty() ? n.getOpType() : n.getName();
    }
}
