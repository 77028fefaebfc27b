package dev.sparkptq.plan;

import dev.sparkptq.config.IgnoredSpec;
import dev.sparkptq.config.Suggestions;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** POT's {@code ignored} block checked against the model: names must exist, op types match with attributes. */
final class IgnoredMatcher {
    private final Set<String> scope;
    private final List<IgnoredSpec.IgnoredOp> operations;
    private final Set<String> stem;

    private IgnoredMatcher(Set<String> scope, List<IgnoredSpec.IgnoredOp> operations, Set<String> stem) {
        this.scope = scope;
        this.operations = operations;
        this.stem = stem;
    }

    /** Every name in {@code ignored.scope} must be a node of the model; all misses are reported together. */
    static IgnoredMatcher validated(IgnoredSpec spec, ModelGraph graph) {
        List<String> problems = new ArrayList<>();
        for (String name : spec.scope()) {
            if (graph.node(name).isEmpty()) {
                Optional<String> near = Suggestions.closest(name, graph.nodeNames());
                problems.add("ignored.scope: node '" + name + "' is not in the model"
                        + near.map(n -> " — did you mean '" + n + "'?").orElse(""));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new IgnoredMatcher(Set.copyOf(spec.scope()), spec.operations(),
                StemLayers.within(graph, spec.firstLayers()));
    }

    boolean matches(Node node) {
        if (scope.contains(node.name()) || stem.contains(node.name())) {
            return true;
        }
        for (IgnoredSpec.IgnoredOp op : operations) {
            if (op.type().equals(node.opType()) && attributesMatch(op.attributes(), node)) {
                return true;
            }
        }
        return false;
    }

    private static boolean attributesMatch(Map<String, String> wanted, Node node) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String actual = node.attrText(e.getKey());
            if (actual == null || !canonical(actual).equals(canonical(e.getValue()))) {
                return false;
            }
        }
        return true;
    }

    private static String canonical(String text) {
        return text.replace(" ", "").replace("'", "").replace("\"", "");
    }
}
