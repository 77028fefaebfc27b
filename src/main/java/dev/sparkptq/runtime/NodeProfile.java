package dev.sparkptq.runtime;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one model's inference time goes: each node of the graph the runtime executes (after its rewrites, so fused
 * kernels and inserted layout conversions appear under their own names) with its kernel time per run: a low quantile
 * over the profiled runs, so that runs the operating system descheduled do not count.
 *
 * @param nodes per executed node, in the runtime's execution order
 * @param runs  how many runs the times are taken over
 */
public record NodeProfile(List<NodeTime> nodes, int runs) implements Serializable {
    /** One executed node: its name in the runtime's graph, op type and mean kernel time per run in µs. */
    public record NodeTime(String node, String opType, double micros) implements Serializable {
    }

    public NodeProfile {
        nodes = List.copyOf(nodes);
    }

    /** Sum of every node's kernel time per run, in µs. */
    public double totalMicros() {
        return nodes.stream().mapToDouble(NodeTime::micros).sum();
    }

    /** Kernel time per run in µs summed per op type, sorted by op type. */
    public Map<String, Double> byOpType() {
        Map<String, Double> out = new TreeMap<>();
        nodes.forEach(n -> out.merge(n.opType(), n.micros(), Double::sum));
        return out;
    }
}
