package dev.sparkptq.pipeline;

import dev.sparkptq.graph.LayerDepth;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Groups bias-correction targets (and layer-wise tuning's) by bias depth: the largest number of targets on any path
 * from the graph inputs to a target's inputs. Targets of one depth never feed each other, and every target upstream
 * of a depth-d target has a depth below d — so correcting depth by depth, in order, is the layer-by-layer correction of POT in fewer passes.
 *
 * <p>Example: SqueezeNet's fire module {@code squeeze → relu → (expand1x1, expand3x3)}: both expands have the squeeze's
 * depth + 1 and share one pass.
 */
final class BiasDepth {
    private BiasDepth() {
    }

    /** The targets by increasing depth, each group in the targets' order (topological). */
    static List<List<BiasTarget>> levels(List<BiasTarget> targets, ModelGraph graph) {
        return levels(targets, BiasTarget::node, graph);
    }

    /** The targets by increasing depth, each group in the targets' order; {@code node} gives a target's node. */
    static <T> List<List<T>> levels(List<T> targets, Function<? super T, Node> node, ModelGraph graph) {
        Map<String, T> byNode = new HashMap<>();
        targets.forEach(t -> byNode.put(node.apply(t).name(), t));
        // LayerDepth counts a target itself; its bias depth counts only the targets before it
        Map<String, Integer> depth = LayerDepth.of(graph, n -> byNode.containsKey(n.name()));
        List<List<T>> levels = new ArrayList<>();
        for (T t : targets) {
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
