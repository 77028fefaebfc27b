package dev.sparkptq.graph;

import dev.sparkptq.core.TensorInfo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Two facts about a graph's tensors that exported models rarely record but the ops imply: the rank, and whether every
 * value is provably ≥ 0. Both are conservative — "unknown" (-1) and "not known to be non-negative" are always safe.
 *
 * <p>Rank comes from recorded shapes, else from the producer: ops that keep their first input's rank (convolutions,
 * pooling, normalisations, element-wise unary ops, Resize, …), broadcasting element-wise ops (the highest input rank),
 * Concat (any input's) and Flatten (2). Non-negativity: Relu, Sigmoid, Softmax, Abs, Exp, Softplus, Clip with a
 * constant lower bound ≥ 0, and ops that only move, select or pool values (MaxPool, AveragePool, Reshape, Concat of
 * non-negative inputs, …).
 */
public final class TensorFacts {
    /** Ops whose output 0 has the rank of input 0. */
    private static final Set<String> SAME_RANK = Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool",
            "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "BatchNormalization", "InstanceNormalization",
            "LayerNormalization", "LRN", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
            "Elu", "Selu", "Celu", "Softplus", "Softsign", "Mish", "Gelu", "Clip", "Abs", "Neg", "Exp", "Log",
            "Sqrt", "Reciprocal", "Erf", "Floor", "Ceil", "Round", "Sign", "Identity", "Dropout", "Cast",
            "QuantizeLinear", "DequantizeLinear", "Resize", "Upsample", "Softmax", "LogSoftmax", "DepthToSpace",
            "SpaceToDepth", "Pad", "Slice", "Transpose", "Tile", "Expand", "CumSum", "Split");
    /** Broadcasting ops: the highest input rank. */
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum",
            "Mean", "Where");
    /** Ops whose output is ≥ 0 whatever the input. */
    private static final Set<String> NON_NEGATIVE = Set.of("Relu", "Sigmoid", "Softmax", "Abs", "Exp", "Softplus",
            "HardSigmoid");
    /** Ops that only move, select or pool the values of input 0 (≥ 0 in, ≥ 0 out). */
    static final Set<String> VALUE_PRESERVING = Set.of("MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Dropout",
            "Slice", "Gather", "Split", "Tile", "Expand", "DepthToSpace", "SpaceToDepth", "ReduceMax", "ReduceMin",
            "ReduceMean");

    private final ModelGraph graph;
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, Boolean> nonNegative = new HashMap<>();

    private TensorFacts(ModelGraph graph) {
        this.graph = graph;
    }

    public static TensorFacts of(ModelGraph graph) {
        return new TensorFacts(graph);
    }

    /** The rank of {@code tensor}, or -1 when neither recorded nor implied by its producer. */
    public int rank(String tensor) {
        Integer known = ranks.get(tensor);
        if (known != null) {
            return known;
        }
        ranks.put(tensor, -1); // cycles cannot occur in a valid graph; this also bounds malformed ones
        int r = inferRank(tensor);
        ranks.put(tensor, r);
        return r;
    }

    private int inferRank(String tensor) {
        Optional<TensorInfo> info = graph.info(tensor);
        if (info.isPresent() && info.get().shape() != null) {
            return info.get().shape().length;
        }
        Node p = graph.producer(tensor);
        if (p == null || !p.isDefaultDomain() || p.inputs().isEmpty()) {
            return -1;
        }
        String op = p.opType();
        if (op.equals("Flatten")) {
            return 2;
        }
        if (SAME_RANK.contains(op)) {
            return rank(p.inputs().get(0));
        }
        if (op.equals("Concat")) {
            return p.inputs().stream().mapToInt(this::rank).max().orElse(-1);
        }
        if (BROADCAST.contains(op)) {
            int max = -1;
            for (String in : p.inputs()) {
                if (in.isEmpty()) {
                    continue;
                }
                int r = rank(in);
                if (r < 0) {
                    return -1;
                }
                max = Math.max(max, r);
            }
            return max;
        }
        return -1;
    }

    /** True when every value of {@code tensor} is provably ≥ 0 (NaN aside). */
    public boolean nonNegative(String tensor) {
        Boolean known = nonNegative.get(tensor);
        if (known != null) {
            return known;
        }
        nonNegative.put(tensor, false);
        boolean r = inferNonNegative(tensor);
        nonNegative.put(tensor, r);
        return r;
    }

    private boolean inferNonNegative(String tensor) {
        Node p = graph.producer(tensor);
        if (p == null || !p.isDefaultDomain() || p.inputs().isEmpty()) {
            return false;
        }
        String op = p.opType();
        if (NON_NEGATIVE.contains(op)) {
            return true;
        }
        if (VALUE_PRESERVING.contains(op)) {
            return nonNegative(p.inputs().get(0));
        }
        if (op.equals("Concat") || op.equals("Max")) {
            List<String> ins = p.inputs().stream().filter(s -> !s.isEmpty()).toList();
            return op.equals("Max") ? ins.stream().anyMatch(this::nonNegativeOrConstant)
                    : ins.stream().allMatch(this::nonNegative);
        }
        if (op.equals("Clip")) {
            return p.inputs().size() > 1 && !p.inputs().get(1).isEmpty()
                    && graph.constantValue(p.inputs().get(1)).map(t -> allAtLeastZero(t)).orElse(false)
                    || nonNegative(p.inputs().get(0));
        }
        return false;
    }

    private boolean nonNegativeOrConstant(String tensor) {
        return nonNegative(tensor) || graph.constantValue(tensor).map(TensorFacts::allAtLeastZero).orElse(false);
    }

    private static boolean allAtLeastZero(dev.sparkptq.core.Tensor t) {
        if (t.numel() == 0) {
            return false;
        }
        try {
            for (float v : t.toFloats()) {
                if (!(v >= 0)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalStateException unsupportedType) {
            return false;
        }
    }
}
