package dev.sparkptq.graph;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Longest-path depth counted in "layers": a node's depth is the largest number of {@code counted} nodes on any path
 * from a model input up to and including it (a counted node adds one to the deepest of its inputs). The first layers
 * of a model ({@code ignored.first_layers}) and the order in which bias correction may treat layers both come from it.
 *
 * <p>Example: {@code Conv → Relu → Conv} with Conv counted: depths 1, 1, 2.
 */
public final class LayerDepth {
    private LayerDepth() {
    }

    /** Node name → depth, including the node itself when it is counted; nodes are visited in topological order. */
    public static Map<String, Integer> of(ModelGraph graph, Predicate<Node> counted) {
        Map<String, Integer> depthOfTensor = new HashMap<>();
        Map<String, Integer> out = new HashMap<>();
        for (Node node : graph.nodes()) {
            int depth = 0;
            for (String in : node.inputs()) {
                depth = Math.max(depth, depthOfTensor.getOrDefault(in, 0));
            }
            if (counted.test(node)) {
                depth++;
            }
            for (String o : node.outputs()) {
                depthOfTensor.put(o, depth);
            }
            out.put(node.name(), depth);
        }
        return out;
    }
}
