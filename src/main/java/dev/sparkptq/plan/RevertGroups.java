package dev.sparkptq.plan;

import dev.sparkptq.config.AccuracyAwareSpec.RestoreMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The revert groups of a plan and the sub-plans that revert some of them. Two points belong to one group when they
 * quantize inputs of the same op, or when one is tied to the other (a tied point reuses its root's parameters, so
 * reverting the root reverts it); the closure of those links is a group. Reverting whole groups leaves every op
 * either fully quantized or fully float.
 */
public final class RevertGroups {
    private RevertGroups() {
    }

    /** The groups, numbered by their first point in plan order (deterministic for a given plan). */
    public static List<RevertGroup> of(QuantizationPlan plan) {
        List<QuantizationPoint> points = plan.points();
        int[] parent = new int[points.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<String, Integer> firstOfNode = new HashMap<>();
        Map<String, Integer> rootOfTensor = new HashMap<>();
        for (int i = 0; i < points.size(); i++) {
            QuantizationPoint p = points.get(i);
            for (String node : p.consumerNodes()) {
                Integer other = firstOfNode.putIfAbsent(node, i);
                if (other != null) {
                    union(parent, i, other);
                }
            }
            Integer sameRange = rootOfTensor.putIfAbsent(p.rangeSource(), i);
            if (sameRange != null) {
                union(parent, i, sameRange);
            }
        }
        Map<Integer, List<Integer>> members = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            members.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        }
        List<RevertGroup> groups = new ArrayList<>();
        members.values().stream().sorted((a, b) -> Integer.compare(a.get(0), b.get(0))).forEach(m -> {
            Set<String> nodes = new TreeSet<>();
            List<String> ids = new ArrayList<>();
            for (int i : m) {
                nodes.addAll(points.get(i).consumerNodes());
                ids.add(points.get(i).id());
            }
            groups.add(new RevertGroup(groups.size(), new ArrayList<>(nodes), ids));
        });
        return groups;
    }

    /**
     * The point ids a revert of {@code reverted} removes: every point of those groups, or with
     * {@link RestoreMode#ONLY_ACTIVATIONS} only their activation points (NNCF: int8 weights stay).
     */
    public static Set<String> revertedPoints(QuantizationPlan plan, List<RevertGroup> groups,
                                             Collection<Integer> reverted, RestoreMode mode) {
        Map<String, QuantizationPoint> byId = new HashMap<>();
        plan.points().forEach(p -> byId.put(p.id(), p));
        Set<String> out = new TreeSet<>();
        for (int g : reverted) {
            for (String id : groups.get(g).pointIds()) {
                if (mode == RestoreMode.ALL || byId.get(id).kind() == PointKind.ACTIVATION) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** The plan without the given points. */
    public static QuantizationPlan without(QuantizationPlan plan, Set<String> pointIds) {
        List<QuantizationPoint> kept = plan.points().stream().filter(p -> !pointIds.contains(p.id())).toList();
        Set<String> nodes = new TreeSet<>();
        kept.forEach(p -> nodes.addAll(p.consumerNodes()));
        return new QuantizationPlan(kept, nodes, plan.notes());
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
