package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Stable topological order of a graph's nodes: among nodes that are ready, the one earlier in the proto goes first,
 * so an already sorted graph keeps its order exactly (deterministic output, no spurious diffs).
 */
final class TopologicalOrder {
    private TopologicalOrder() {
    }

    /** Node indices (into {@code g.getNodeList()}) in topological order. */
    static List<Integer> of(OnnxMl.GraphProto g) {
        Map<String, Integer> producer = producers(g);
        int n = g.getNodeCount();
        int[] pending = new int[n];
        Map<String, List<Integer>> waiting = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String dep : dependencies(g.getNode(i), producer)) {
                pending[i]++;
                waiting.computeIfAbsent(dep, k -> new ArrayList<>()).add(i);
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            for (String out : g.getNode(i).getOutputList()) {
                for (int w : waiting.getOrDefault(out, List.of())) {
                    if (--pending[w] == 0) {
                        ready.add(w);
                    }
                }
            }
        }
        if (order.size() < n) {
            throw cycle(g, pending);
        }
        return order;
    }

    /** Tensor name to the index of the node producing it; duplicates are a malformed model. */
    static Map<String, Integer> producers(OnnxMl.GraphProto g) {
        Set<String> sources = new HashSet<>();
        g.getInputList().forEach(v -> sources.add(v.getName()));
        g.getInitializerList().forEach(t -> sources.add(t.getName()));
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto node = g.getNode(i);
            for (String out : node.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (sources.contains(out) || producer.putIfAbsent(out, i) != null) {
                    throw new ModelException("tensor '" + out + "' is produced twice (again by " + node.getOpType()
                            + " node '" + node.getName() + "'); an ONNX graph needs one producer per tensor");
                }
            }
        }
        return producer;
    }

    private static Set<String> dependencies(OnnxMl.NodeProto node, Map<String, Integer> producer) {
        Set<String> deps = new LinkedHashSet<>();
        for (String in : node.getInputList()) {
            if (producer.containsKey(in)) {
                deps.add(in);
            }
        }
        for (String in : Subgraphs.referencedNames(node)) {
            if (producer.containsKey(in)) {
                deps.add(in);
            }
        }
        return deps;
    }

    private static ModelException cycle(OnnxMl.GraphProto g, int[] pending) {
        for (int i = 0; i < pending.length; i++) {
            if (pending[i] > 0) {
                OnnxMl.NodeProto node = g.getNode(i);
                return new ModelException("the graph has a cycle through " + node.getOpType() + " node '"
                        + node.getName() + "'; ONNX graphs must be acyclic");
            }
        }
        return new ModelException("the graph has a cycle");
    }
}
