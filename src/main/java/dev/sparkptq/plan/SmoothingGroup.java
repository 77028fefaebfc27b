package dev.sparkptq.plan;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatisticSpec;

import java.util.List;
import java.util.Objects;

/**
 * One activation and the weighted MatMul/Gemm ops that read it, smoothed with one shared scale vector {@code s}
 * (SmoothQuant): every member's weight rows are multiplied by {@code s}, and the activation is divided by it once
 * for all of them — folded into constants upstream when that is exact ({@code fold}), else by an explicit Mul.
 *
 * @param activation the activation tensor (input 0 of every member)
 * @param channels   the input-channel count K shared by every member's weight
 * @param members    the weighted ops, in topological order
 * @param fold       the constants that absorb {@code 1/s}, or null for an explicit Mul
 */
public record SmoothingGroup(String activation, int channels, List<Member> members, Fold fold) {
    public SmoothingGroup {
        Objects.requireNonNull(activation, "activation");
        members = List.copyOf(members);
        if (members.isEmpty() || channels <= 0) {
            throw new IllegalArgumentException("smoothing group of '" + activation + "' needs members and channels");
        }
    }

    /**
     * One weighted op of a group.
     *
     * @param node        the MatMul/Gemm node
     * @param weightInput the input index of its constant weight
     * @param weight      the weight initializer's value
     * @param inputAxis   the weight axis that runs over the activation's channels (0 for MatMul {@code [K, N]}, 1 for
     *                    Gemm with {@code transB = 1})
     */
    public record Member(String node, int weightInput, Tensor weight, int inputAxis) {
    }

    /**
     * Where {@code 1/s} goes instead of an explicit Mul: constants upstream of the activation whose last axis runs
     * over its channels, each multiplied by {@code 1/s} along that axis (a scalar is first broadcast to the channel
     * count). Exact because the path from each constant to the activation is linear per channel: a Mul by a
     * constant, LayerNormalization's scale and bias, or attention's value projection (weight columns and bias, see
     * {@link AttentionValueFold}).
     *
     * @param targets the constants, at least one
     */
    public record Fold(List<Target> targets) {
        public Fold {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a fold needs at least one target constant");
            }
        }

        /** The fold of one constant input. */
        public static Fold of(String node, int input, Tensor value) {
            return new Fold(List.of(new Target(node, input, value)));
        }

        /** The producer node of the first target (for logs). */
        public String node() {
            return targets.get(0).node();
        }
    }

    /**
     * One constant that absorbs {@code 1/s}: input {@code input} of node {@code node}, whose current value is
     * {@code value} (a scalar, a vector of the channel count, or a matrix whose last axis is the channel axis).
     */
    public record Target(String node, int input, Tensor value) {
    }

    /**
     * The tensor the statistics pass reads: the activation reshaped to {@code [1, -1, channels]}, so that its
     * channel axis is known (2) even when the model records no shapes for intermediate tensors.
     */
    public String probe() {
        return activation + "_smooth_quant_probe";
    }

    /** The statistic SmoothQuant needs: the abs-max per channel (last axis) over all tokens and samples. */
    public StatisticSpec statistic() {
        return new StatisticSpec(probe(), PerSampleStat.ABS_MAX, 2, Aggregation.MAX, null);
    }

    /** The inputs that read the activation (input 0 of every member). */
    public List<InputRef> consumers() {
        return members.stream().map(m -> new InputRef(m.node(), 0)).toList();
    }
}
