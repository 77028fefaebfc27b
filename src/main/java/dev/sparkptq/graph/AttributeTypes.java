package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;

/**
 * Sets the {@code type} of attributes that pre-IR-3 exporters (PyTorch 0.2) left {@code UNDEFINED}, from the one
 * value field each attribute holds — in subgraphs too.
 */
final class AttributeTypes {
    /** The graph with types set, and how many were set. */
    record Filled(OnnxMl.GraphProto graph, int count) {
    }

    private AttributeTypes() {
    }

    static Filled fill(OnnxMl.GraphProto g) {
        int count = 0;
        OnnxMl.GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            OnnxMl.NodeProto.Builder nb = null;
            for (int k = 0; k < n.getAttributeCount(); k++) {
                OnnxMl.AttributeProto a = n.getAttribute(k);
                OnnxMl.AttributeProto.Builder ab = a.toBuilder();
                int inner = 0;
                if (a.hasG()) {
                    Filled sub = fill(a.getG());
                    inner += sub.count();
                    ab.setG(sub.graph());
                }
                for (int j = 0; j < a.getGraphsCount(); j++) {
                    Filled sub = fill(a.getGraphs(j));
                    inner += sub.count();
                    ab.setGraphs(j, sub.graph());
                }
                OnnxMl.AttributeProto.AttributeType t = a.getType();
                if (t == OnnxMl.AttributeProto.AttributeType.UNDEFINED && held(a) != t) {
                    ab.setType(held(a));
                    inner++;
                }
                if (inner > 0) {
                    nb = nb == null ? n.toBuilder() : nb;
                    nb.setAttribute(k, ab);
                    count += inner;
                }
            }
            if (nb != null) {
                b.setNode(i, nb);
            }
        }
        return new Filled(count == 0 ? g : b.build(), count);
    }

    /** The type of the value the attribute holds; UNDEFINED when it holds none or an ambiguous mix. */
    static OnnxMl.AttributeProto.AttributeType held(OnnxMl.AttributeProto a) {
        if (a.getIntsCount() > 0) {
            return OnnxMl.AttributeProto.AttributeType.INTS;
        }
        if (a.getFloatsCount() > 0) {
            return OnnxMl.AttributeProto.AttributeType.FLOATS;
        }
        if (a.getStringsCount() > 0) {
            return OnnxMl.AttributeProto.AttributeType.STRINGS;
        }
        if (a.getTensorsCount() > 0) {
            return OnnxMl.AttributeProto.AttributeType.TENSORS;
        }
        if (a.getGraphsCount() > 0) {
            return OnnxMl.AttributeProto.AttributeType.GRAPHS;
        }
        if (a.hasT()) {
            return OnnxMl.AttributeProto.AttributeType.TENSOR;
        }
        if (a.hasG()) {
            return OnnxMl.AttributeProto.AttributeType.GRAPH;
        }
        if (a.hasS()) {
            return OnnxMl.AttributeProto.AttributeType.STRING;
        }
        if (a.hasF()) {
            return OnnxMl.AttributeProto.AttributeType.FLOAT;
        }
        if (a.hasI()) {
            return OnnxMl.AttributeProto.AttributeType.INT;
        }
        return OnnxMl.AttributeProto.AttributeType.UNDEFINED;
    }
}
