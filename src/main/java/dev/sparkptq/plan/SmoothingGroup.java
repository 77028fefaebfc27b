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
 * for all of them — folded into its producer's constant when that is exact ({@code fold}), else by an explicit Mul.
 *
 * @param activation the activation tensor (input 0 of every member)
 * @param channels   the input-channel count K shared by every member's weight
 * @param members    the weighted ops, in topological order
 * @param fold       the producer constant that absorbs {@code 1/s}, or null for an explicit Mul
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
     * The constant input {@code input} of producer node {@code node} (value {@code value}) that {@code 1/s} is
     * multiplied into (a Mul by a constant, or LayerNormalization's scale and bias — then {@code extraInput} is the
     * bias input with value {@code extraValue}, else -1 and null).
     */
    public record Fold(String node, int input, Tensor value, int extraInput, Tensor extraValue) {
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
