package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.Subgraphs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Who reads each value of a graph: node inputs (counted), subgraph reads and graph outputs. */
final class Uses {
    private final Map<String, Integer> nodeReads = new HashMap<>();
    private final Set<String> subgraphReads = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Map<String, OnnxMl.NodeProto> producers = new HashMap<>();

    Uses(OnnxMl.GraphProto g) {
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            n.getInputList().stream().filter(s -> !s.isEmpty()).forEach(s -> nodeReads.merge(s, 1, Integer::sum));
            subgraphReads.addAll(Subgraphs.referencedNames(n));
            n.getOutputList().stream().filter(s -> !s.isEmpty()).forEach(s -> producers.put(s, n));
        }
        g.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
    }

    /** True when exactly one node input reads {@code value} and nothing else does (no subgraph, not an output). */
    boolean readOnlyOnce(String value) {
        return nodeReads.getOrDefault(value, 0) == 1 && !subgraphReads.contains(value)
                && !graphOutputs.contains(value);
    }

    /** True when anything besides node inputs reads {@code value}, or more than {@code reads} inputs do. */
    boolean sharedBeyond(String value, int reads) {
        return nodeReads.getOrDefault(value, 0) > reads || subgraphReads.contains(value)
                || graphOutputs.contains(value);
    }

    boolean readBySubgraph(String value) {
        return subgraphReads.contains(value);
    }

    /** The node writing {@code value}; null for graph inputs and initializers. */
    OnnxMl.NodeProto producer(String value) {
        return producers.get(value);
    }
}
