package dev.sparkptq.plan;

import dev.sparkptq.calibration.ConsumerFunction;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Which element-wise function the readers of a tensor apply (see {@link ConsumerFunction}), read off the FP32 graph:
 * a range estimator can then minimise the error its readers see rather than the tensor's own.
 *
 * <p>{@link ConsumerFunction#SILU} when the tensor is not a graph output and every reader is part of one SiLU
 * {@code x·σ(x)}: Sigmoid nodes reading it whose outputs only feed Mul nodes of {@code x} and that output, and those
 * Mul nodes. Anything else reading {@code x} (a residual Add, a Concat, a second consumer) sees {@code x} itself, so
 * the answer is then {@link ConsumerFunction#IDENTITY}.
 *
 * <p>{@link #floor}: the same shape around a HardSwish {@code x·HardSigmoid(x)} (what the hard_activations
 * preparation makes of the decomposed forms) gives a value below which every reader's result is exactly 0.
 */
public final class ConsumerFunctions {
    private ConsumerFunctions() {
    }

    /** The function every reader of {@code tensor} applies; IDENTITY unless the readers are exactly a SiLU. */
    public static ConsumerFunction of(ModelGraph graph, String tensor) {
        if (graph.isGraphOutput(tensor) || graph.consumers(tensor).isEmpty()) {
            return ConsumerFunction.IDENTITY;
        }
        return onlyGated(graph, tensor, "Sigmoid") ? ConsumerFunction.SILU : ConsumerFunction.IDENTITY;
    }

    /**
     * The value {@code x0} at or below which every reader of {@code tensor} gives exactly 0, when the readers are
     * exactly HardSwish compositions {@code x·HardSigmoid(x; α, β)} with {@code α > 0}: {@code x0 = −β/α}
     * (−3 for HardSwish's {@code α = 1/6, β = 1/2}), the smallest over the readers. A quantizer of {@code x} needs no
     * levels below it: clipping there changes no reader's result, while a conv output's far negative tail
     * (PP-LCNet: down to −300 where the positive side reaches +250) would take half of an asymmetric range.
     * Empty for any other reader (the tensor itself is then seen), a graph output, or a non-positive α.
     */
    public static OptionalDouble floor(ModelGraph graph, String tensor) {
        if (graph.isGraphOutput(tensor) || graph.consumers(tensor).isEmpty()
                || !onlyGated(graph, tensor, "HardSigmoid")) {
            return OptionalDouble.empty();
        }
        double x0 = Double.POSITIVE_INFINITY;
        for (Use u : graph.consumers(tensor)) {
            Node n = u.node();
            if (n.opType().equals("HardSigmoid")) {
                double alpha = n.floatAttr("alpha", 0.2f);
                if (!(alpha > 0)) {
                    return OptionalDouble.empty();
                }
                x0 = Math.min(x0, -n.floatAttr("beta", 0.5f) / alpha);
            }
        }
        return Double.isFinite(x0) ? OptionalDouble.of(x0) : OptionalDouble.empty();
    }

    /**
     * True when every reader of {@code x} is a {@code gateOp} of {@code x} read only by Muls {@code x·gate(x)}, or
     * such a Mul, and at least one Mul is among them.
     */
    private static boolean onlyGated(ModelGraph graph, String x, String gateOp) {
        if (graph.isGraphOutput(x) || graph.consumers(x).isEmpty()) {
            return false;
        }
        boolean sawMul = false;
        for (Use u : graph.consumers(x)) {
            Node n = u.node();
            if (n.opType().equals(gateOp) && onlyGatesOf(graph, n, x, gateOp)) {
                continue;
            }
            if (!isGateMul(graph, n, x, gateOp)) {
                return false;
            }
            sawMul = true;
        }
        return sawMul;
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

    /** True when the gate's output is read only by Mul nodes of {@code x} and that output (and not an output). */
    private static boolean onlyGatesOf(ModelGraph graph, Node gate, String x, String gateOp) {
        String s = gate.outputs().get(0);
        if (graph.isGraphOutput(s) || graph.consumers(s).isEmpty()) {
            return false;
        }
        return graph.consumers(s).stream().allMatch(u -> isGateMul(graph, u.node(), x, gateOp));
    }

    /** True when {@code n} is {@code x·gate(x)} (either operand order) with a {@code gateOp} gate. */
    private static boolean isGateMul(ModelGraph graph, Node n, String x, String gateOp) {
        if (!n.opType().equals("Mul") || n.inputs().size() != 2) {
            return false;
        }
        int xi = n.inputs().indexOf(x);
        if (xi < 0) {
            return false;
        }
        Node gate = graph.producer(n.inputs().get(1 - xi));
        return gate != null && gate.opType().equals(gateOp) && gate.inputs().get(0).equals(x);
    }
}
