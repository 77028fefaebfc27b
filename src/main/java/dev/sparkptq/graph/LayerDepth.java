package dev.sparkptq.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

    /**
     * Layers grouped by dependency level, for algorithms that treat them level by level (full bias correction,
     * layer-wise tuning): a layer's level is the largest number of the given layers on any path from the graph inputs
     * to its inputs. Layers of one level never feed each other, and every layer upstream of a level-d layer has a
     * level below d — so treating levels in order is the layer-by-layer order of POT in fewer passes.
     *
     * <p>Example: SqueezeNet's fire module {@code squeeze → relu → (expand1x1, expand3x3)}: both expands have the
     * squeeze's level + 1 and share one pass.
     *
     * @param node gives a layer's node
     * @return the layers by increasing level, each group in the layers' order (topological)
     */
    public static <T> List<List<T>> levels(List<T> layers, Function<? super T, Node> node, ModelGraph graph) {
        Map<String, T> byNode = new HashMap<>();
        layers.forEach(t -> byNode.put(node.apply(t).name(), t));
        // the depth counts a layer itself; its level counts only the layers before it
        Map<String, Integer> depth = of(graph, n -> byNode.containsKey(n.name()));
        List<List<T>> levels = new ArrayList<>();
        for (T t : layers) {
            int d = Math.max(0, depth.getOrDefault(node.apply(t).name(), 1) - 1);
            while (levels.size() <= d) {
                levels.add(new ArrayList<>());
            }
            levels.get(d).add(t);
        }
        levels.removeIf(List::isEmpty);
        return levels;
    }
}
