package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.Subgraphs;

import java.util.HashSet;
import java.util.Set;

/** Fresh value and node names for a graph being rewritten: {@code base}, else {@code base_1}, {@code base_2}, … */
final class Names {
    private final Set<String> taken = new HashSet<>();

    Names(OnnxMl.GraphProto g) {
        g.getInitializerList().forEach(t -> taken.add(t.getName()));
        g.getInputList().forEach(v -> taken.add(v.getName()));
        g.getOutputList().forEach(v -> taken.add(v.getName()));
        g.getValueInfoList().forEach(v -> taken.add(v.getName()));
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            taken.add(n.getName());
            taken.addAll(n.getOutputList());
            taken.addAll(Subgraphs.referencedNames(n));
        }
    }

    /** A name nothing in the graph uses yet, reserved on return. */
    String fresh(String base) {
        String name = base;
        for (int k = 1; taken.contains(name); k++) {
            name = base + "_" + k;
        }
        taken.add(name);
        return name;
    }
}
