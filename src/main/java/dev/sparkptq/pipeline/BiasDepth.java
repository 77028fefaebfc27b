package dev.sparkptq.pipeline;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups bias-correction targets by bias depth: the largest number of targets on any path from the graph inputs to a
 * target's inputs. Targets of one depth never feed each other, and every target upstream of a depth-d target has a
 * depth below d — so correcting depth by depth, in order, is the layer-by-layer correction of POT in fewer passes.
 *
 * <p>Example: SqueezeNet's fire module {@code squeeze → relu → (expand1x1, expand3x3)}: both expands have the squeeze's
 * depth + 1 and share one pass.
 */
final class BiasDepth {
    private BiasDepth() {
    }

    /** The targets by increasing depth, each group in the targets' order (topological). */
    static List<List<BiasTarget>> levels(List<BiasTarget> targets, ModelGraph graph) {
        Map<String, BiasTarget> byNode = new HashMap<>();
        targets.forEach(t -> byNode.put(t.node().name(), t));
        Map<String, Integer> tensorDepth = new HashMap<>();
        Map<String, Integer> targetDepth = new HashMap<>();
        for (Node n : graph.nodes()) {
            int d = 0;
            for (String input : n.inputs()) {
                d = Math.max(d, tensorDepth.getOrDefault(input, 0));
            }
            boolean target = byNode.containsKey(n.name());
            if (target) {
                targetDepth.put(n.name(), d);
            }
            for (String output : n.outputs()) {
                tensorDepth.put(output, target ? d + 1 : d);
            }
        }
        List<List<BiasTarget>> levels = new ArrayList<>();
        for (BiasTarget t : targets) {
            int d = targetDepth.getOrDefault(t.node().name(), 0);
            while (levels.size() <= d) {
                levels.add(new ArrayList<>());
            }
            levels.get(d).add(t);
        }
        levels.removeIf(List::isEmpty);
        return levels;
    }
}
