package dev.sparkptq.plan;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.plan.SmoothingGroup.Fold;
import dev.sparkptq.plan.SmoothingGroup.Target;

import java.util.Arrays;
import java.util.List;

/**
 * Folds SmoothQuant's {@code 1/s} for the attention-output projection into the value projection, so that no Mul is
 * left in front of it. The projection reads the attention context, which per channel is a convex combination of the
 * value vectors (softmax weights do not depend on V), reshaped and transposed without mixing channels:
 *
 * <pre>
 *   x ─► MatMul(·, Wv [K, C]) ─► Add(bv [C]) ─► Reshape(·, [.., H, D]) ─► Transpose(0,2,1,3) ─┐
 *   P (softmax) ─────────────────────────────────────────────────────────────────────────────► MatMul(P, ·)
 *       ─► Transpose(0,2,1,3) ─► Reshape(·, [.., C]) ─► context ─► MatMul(·, Wo)   (the smoothed group)
 * </pre>
 *
 * Channel {@code c = h·D + d} of the value projection ends up as channel {@code c} of the context, so dividing Wv's
 * column {@code c} and bv's entry {@code c} by {@code s_c} divides the context's channel {@code c} by {@code s_c}
 * exactly. Everything on the path must be read only by the path itself (or by Shape ops, which ignore values), the
 * head split must be {@code H·D = C} and the merge must give back {@code C}; anything else is no fold.
 */
final class AttentionValueFold {
    private static final long[] HEAD_SWAP = {0, 2, 1, 3};

    private AttentionValueFold() {
    }

    /** The fold of {@code activation} into its value projection, or null when the pattern does not match. */
    static Fold find(ModelGraph graph, String activation, int channels) {
        Path p = path(graph, activation, channels);
        if (p == null) {
            return null;
        }
        List<Target> targets = new java.util.ArrayList<>(List.of(new Target(p.project().name(), 1, p.weight())));
        if (p.bias() != null) {
            targets.add(new Target(p.bias().name(), p.biasInput(), p.biasValue()));
        }
        return new Fold(targets);
    }

    /**
     * The matched path from the value projection to {@code activation}.
     *
     * @param mix        the {@code MatMul(P, V)} of the attention probabilities and the values
     * @param project    the value projection {@code MatMul(x, Wv)}
     * @param weight     Wv {@code [K, C]}
     * @param bias       the value bias Add, or null when there is none (e.g. already moved, {@link ValueBiasMove})
     * @param biasInput  the Add's constant input index (-1 without bias)
     * @param biasValue  the bias {@code [C]}, or null
     */
    record Path(Node mix, Node project, Tensor weight, Node bias, int biasInput, Tensor biasValue) {
    }

    /** The value path behind {@code activation} (see the class comment), or null. */
    static Path path(ModelGraph graph, String activation, int channels) {
        Node merge = single(graph, activation, "Reshape", null);
        Node back = merge == null ? null : single(graph, merge.inputs().get(0), "Transpose", merge);
        Node mix = back == null || !headSwap(back) ? null : single(graph, back.inputs().get(0), "MatMul", back);
        if (mix == null || !mergesTo(graph, merge, channels) || graph.isConstant(mix.inputs().get(0))) {
            return null;
        }
        Node forth = single(graph, mix.inputs().get(1), "Transpose", mix);
        Node split = forth == null || !headSwap(forth) ? null : single(graph, forth.inputs().get(0), "Reshape", forth);
        if (split == null || !splitsInto(graph, split, channels)) {
            return null;
        }
        Node bias = single(graph, split.inputs().get(0), "Add", split);
        Node project = bias == null ? single(graph, split.inputs().get(0), "MatMul", split) : null;
        int b = -1;
        Tensor bv = null;
        if (bias != null) {
            b = graph.isConstant(bias.inputs().get(0)) ? 0 : 1;
            bv = AttentionPaths.floatVector(graph, bias.inputs().get(b), channels);
            project = single(graph, bias.inputs().get(1 - b), "MatMul", bias);
            if (bv == null) {
                return null;
            }
        }
        if (project == null || !graph.isInitializer(project.inputs().get(1))) {
            return null;
        }
        Tensor wv = graph.constantValue(project.inputs().get(1)).orElse(null);
        if (wv == null || wv.dtype() != DType.FLOAT || wv.rank() != 2 || wv.dim(1) != channels) {
            return null;
        }
        return new Path(mix, project, wv, bias, b, bv);
    }

    /** {@link AttentionPaths#producerReadOnlyBy}, named short for the chain above. */
    private static Node single(ModelGraph graph, String tensor, String opType, Node reader) {
        return AttentionPaths.producerReadOnlyBy(graph, tensor, opType, reader);
    }

    private static boolean headSwap(Node transpose) {
        return Arrays.equals(transpose.intsAttr("perm"), HEAD_SWAP);
    }

    /** The head split: the target shape ends with constants H, D where H·D = C. */
    private static boolean splitsInto(ModelGraph graph, Node reshape, int channels) {
        long[] tail = AttentionPaths.shapeTail(graph, reshape.inputs().get(1), 2);
        return tail != null && tail[0] > 0 && tail[1] > 0 && tail[0] * tail[1] == channels;
    }

    /** The head merge: the target shape ends with the constant C. */
    private static boolean mergesTo(ModelGraph graph, Node reshape, int channels) {
        long[] tail = AttentionPaths.shapeTail(graph, reshape.inputs().get(1), 1);
        return tail != null && tail[0] == channels;
    }
}
