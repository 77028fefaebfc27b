package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Names that control-flow nodes ({@code If}, {@code Loop}, {@code Scan}) read from their subgraphs. ONNX lets a
 * subgraph read any tensor of an enclosing scope without listing it as a node input, so ordering nodes, counting
 * consumers or dropping initializers must look inside subgraphs too.
 */
public final class Subgraphs {
    private Subgraphs() {
    }

    /** Every tensor name read by a node inside this node's subgraphs (recursively); empty for ordinary nodes. */
    public static Set<String> referencedNames(OnnxMl.NodeProto node) {
        Set<String> out = new LinkedHashSet<>();
        for (OnnxMl.AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                collect(a.getG(), out);
            }
            for (OnnxMl.GraphProto g : a.getGraphsList()) {
                collect(g, out);
            }
        }
        return out;
    }

    /** True when the node carries at least one subgraph attribute. */
    public static boolean hasSubgraph(OnnxMl.NodeProto node) {
        return node.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
    }

    private static void collect(OnnxMl.GraphProto g, Set<String> out) {
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    out.add(in);
                }
            }
            out.addAll(referencedNames(n));
        }
        for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
            out.add(o.getName());
        }
    }
}
