package dev.sparkptq.plan;

import dev.sparkptq.calibration.ConsumerFunction;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;

import java.util.List;

/**
 * Which element-wise function the readers of a tensor apply (see {@link ConsumerFunction}), read off the FP32 graph:
 * a range estimator can then minimise the error its readers see rather than the tensor's own.
 *
 * <p>{@link ConsumerFunction#SILU} when the tensor is not a graph output and every reader is part of one SiLU
 * {@code x·σ(x)}: Sigmoid nodes reading it whose outputs only feed Mul nodes of {@code x} and that output, and those
 * Mul nodes. Anything else reading {@code x} (a residual Add, a Concat, a second consumer) sees {@code x} itself, so
 * the answer is then {@link ConsumerFunction#IDENTITY}.
 */
public final class ConsumerFunctions {
    private ConsumerFunctions() {
    }

    /** The function every reader of {@code tensor} applies; IDENTITY unless the readers are exactly a SiLU. */
    public static ConsumerFunction of(ModelGraph graph, String tensor) {
        if (graph.isGraphOutput(tensor) || graph.consumers(tensor).isEmpty()) {
            return ConsumerFunction.IDENTITY;
        }
        boolean sawMul = false;
        for (Use u : graph.consumers(tensor)) {
            Node n = u.node();
            if (n.opType().equals("Sigmoid") && onlyGatesOf(graph, n, tensor)) {
                continue;
            }
            if (isSiluMul(graph, n, tensor)) {
                sawMul = true;
                continue;
            }
            return ConsumerFunction.IDENTITY;
        }
        return sawMul ? ConsumerFunction.SILU : ConsumerFunction.IDENTITY;
    }

    /**
     * The outputs of the SiLU Mul nodes reading {@code tensor} when {@link #of} says {@link ConsumerFunction#SILU}
     * (what the readers produce, whose own quantizer clips it next), else an empty list.
     */
    public static List<String> outputs(ModelGraph graph, String tensor) {
        if (of(graph, tensor) != ConsumerFunction.SILU) {
            return List.of();
        }
        return graph.consumers(tensor).stream().map(Use::node).filter(n -> n.opType().equals("Mul"))
                .map(n -> n.outputs().get(0)).distinct().toList();
    }

    /** True when the Sigmoid's output is read only by Mul nodes of {@code x} and that output (and not an output). */
    private static boolean onlyGatesOf(ModelGraph graph, Node sigmoid, String x) {
        String s = sigmoid.outputs().get(0);
        if (graph.isGraphOutput(s) || graph.consumers(s).isEmpty()) {
            return false;
        }
        return graph.consumers(s).stream().allMatch(u -> isSiluMul(graph, u.node(), x));
    }

    /** True when {@code n} is {@code x·σ(x)} (either operand order). */
    private static boolean isSiluMul(ModelGraph graph, Node n, String x) {
        if (!n.opType().equals("Mul") || n.inputs().size() != 2) {
            return false;
        }
        int xi = n.inputs().indexOf(x);
        if (xi < 0) {
            return false;
        }
        Node gate = graph.producer(n.inputs().get(1 - xi));
        return gate != null && gate.opType().equals("Sigmoid") && gate.inputs().get(0).equals(x);
    }
}
