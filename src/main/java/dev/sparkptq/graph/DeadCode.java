package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops nodes none of whose outputs is read (by a node, a subgraph or as a graph output) and initializers nothing
 * reads, repeatedly, so a chain that only fed removed nodes goes too. ONNX ops have no side effects, so nothing
 * observable changes; subgraph reads of outer-scope names count as reads.
 */
public final class DeadCode {
    /** The pruned graph and how many nodes and initializers went. */
    public record Pruned(OnnxMl.GraphProto graph, int nodes, int initializers) {
    }

    private DeadCode() {
    }

    public static Pruned prune(OnnxMl.GraphProto g) {
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(g.getNodeList());
        int removedNodes = 0;
        boolean changed = true;
        while (changed) {
            Set<String> read = reads(nodes, g);
            List<OnnxMl.NodeProto> kept = new ArrayList<>(nodes.size());
            for (OnnxMl.NodeProto n : nodes) {
                boolean used = n.getOutputList().stream().anyMatch(o -> !o.isEmpty() && read.contains(o));
                if (used || n.getOutputCount() == 0) {
                    kept.add(n);
                }
            }
            changed = kept.size() < nodes.size();
            removedNodes += nodes.size() - kept.size();
            nodes = kept;
        }
        Set<String> read = reads(nodes, g);
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        int removedInits = 0;
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (read.contains(t.getName())) {
                b.addInitializer(t);
            } else {
                removedInits++;
            }
        }
        if (removedNodes == 0 && removedInits == 0) {
            return new Pruned(g, 0, 0);
        }
        Set<String> live = new HashSet<>(read);
        nodes.forEach(n -> live.addAll(n.getOutputList()));
        b.clearValueInfo();
        g.getValueInfoList().stream().filter(v -> live.contains(v.getName())).forEach(b::addValueInfo);
        return new Pruned(b.build(), removedNodes, removedInits);
    }

    private static Set<String> reads(List<OnnxMl.NodeProto> nodes, OnnxMl.GraphProto g) {
        Set<String> read = new HashSet<>();
        for (OnnxMl.NodeProto n : nodes) {
            read.addAll(n.getInputList());
            read.addAll(Subgraphs.referencedNames(n));
        }
        g.getOutputList().forEach(o -> read.add(o.getName()));
        g.getInputList().forEach(i -> read.add(i.getName())); // an initializer listed as input stays an input
        return read;
    }
}
