package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;

import java.util.HashSet;
import java.util.Set;

/**
 * Fresh value and node names for a graph being rewritten: {@code base} if nothing uses it, else {@code base_1},
 * {@code base_2}, … — deterministic, so the same rewrite gives the same model bytes.
 */
public final class FreshNames {
    private final Set<String> taken = new HashSet<>();

    /** Every name the graph uses: initializers, inputs, outputs, value_info, nodes, their outputs, subgraph reads. */
    public static FreshNames of(OnnxMl.GraphProto g) {
        FreshNames f = new FreshNames();
        g.getInitializerList().forEach(t -> f.taken.add(t.getName()));
        g.getInputList().forEach(v -> f.taken.add(v.getName()));
        g.getOutputList().forEach(v -> f.taken.add(v.getName()));
        g.getValueInfoList().forEach(v -> f.taken.add(v.getName()));
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            f.taken.add(n.getName());
            f.taken.addAll(n.getOutputList());
            f.taken.addAll(Subgraphs.referencedNames(n));
        }
        return f;
    }

    /** A name nothing uses yet, reserved on return. */
    public String fresh(String base) {
        String name = base;
        for (int k = 1; taken.contains(name); k++) {
            name = base + "_" + k;
        }
        taken.add(name);
        return name;
    }
}
