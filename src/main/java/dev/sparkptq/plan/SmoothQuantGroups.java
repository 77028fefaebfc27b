package dev.sparkptq.plan;

import dev.sparkptq.config.IgnoredSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;
import dev.sparkptq.plan.SmoothingGroup.Fold;
import dev.sparkptq.plan.SmoothingGroup.Member;
import dev.sparkptq.plan.SmoothingGroup.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds what SmoothQuant smooths: every MatMul/Gemm outside the ignored scope whose input 0 is a float activation and
 * whose weight is a 2-D float initializer, grouped by activation (Q, K and V of one attention block
 * read the same LayerNorm output and must share one scale). A group whose members disagree on the channel count is
 * left alone.
 *
 * <p>Folding: {@code 1/s} goes into the producer instead of an explicit Mul only when that is exact and changes no
 * other reader — the activation is read by the group's members alone (not a graph output) and comes from a Mul by a
 * scalar or per-channel constant (but not GELU's final {@code ·0.5}, which ONNX Runtime's Gelu fusion needs scalar), from
 * a LayerNormalization op, or from attention's head merge ({@link AttentionValueFold}: into the value projection).
 * Transformers' LayerNorm outputs also feed the residual Add, so they get an explicit Mul.
 */
public final class SmoothQuantGroups {
    private SmoothQuantGroups() {
    }

    public static List<SmoothingGroup> find(ModelGraph graph, IgnoredSpec ignoredSpec) {
        IgnoredMatcher ignored = IgnoredMatcher.validated(ignoredSpec, graph);
        Map<String, List<Member>> byActivation = new LinkedHashMap<>();
        for (Node node : graph.nodes()) {
            if (!ignored.matches(node)) {
                member(graph, node).ifPresent(m -> byActivation.computeIfAbsent(node.inputs().get(0),
                        k -> new ArrayList<>()).add(m));
            }
        }
        List<SmoothingGroup> out = new ArrayList<>();
        byActivation.forEach((activation, members) -> group(graph, activation, members).ifPresent(out::add));
        return out;
    }

    private static Optional<Member> member(ModelGraph graph, Node node) {
        boolean gemm = node.opType().equals("Gemm");
        if (!(node.opType().equals("MatMul") || gemm) || !node.isDefaultDomain() || node.inputs().size() < 2
                || (gemm && node.intAttr("transA", 0) != 0)) {
            return Optional.empty();
        }
        String x = node.inputs().get(0);
        String w = node.inputs().get(1);
        if (graph.isConstant(x) || !graph.isInitializer(w)) {
            return Optional.empty();
        }
        Optional<Tensor> value = graph.constantValue(w);
        if (value.isEmpty() || value.get().dtype() != DType.FLOAT || value.get().rank() != 2) {
            return Optional.empty();
        }
        int axis = gemm && node.intAttr("transB", 0) == 1 ? 1 : 0;
        return Optional.of(new Member(node.name(), 1, value.get(), axis));
    }

    private static Optional<SmoothingGroup> group(ModelGraph graph, String activation, List<Member> members) {
        long[] shape = graph.info(activation).map(i -> i.shape()).orElse(null);
        DType dtype = graph.info(activation).map(i -> i.dtype()).orElse(DType.FLOAT);
        if (dtype != DType.FLOAT || (shape != null && shape.length < 2)) {
            return Optional.empty();
        }
        long channels = members.get(0).weight().dim(members.get(0).inputAxis());
        for (Member m : members) {
            if (m.weight().dim(m.inputAxis()) != channels) {
                return Optional.empty();
            }
        }
        long last = shape == null ? -1 : shape[shape.length - 1];
        if (last > 0 && last != channels) {
            return Optional.empty();
        }
        Fold fold = onlyReadBy(graph, activation, members) ? fold(graph, activation, (int) channels) : null;
        return Optional.of(new SmoothingGroup(activation, (int) channels, members, fold));
    }

    private static boolean onlyReadBy(ModelGraph graph, String activation, List<Member> members) {
        if (graph.isGraphOutput(activation)) {
            return false;
        }
        for (Use u : graph.consumers(activation)) {
            if (u.inputIndex() != 0 || members.stream().noneMatch(m -> m.node().equals(u.node().name()))) {
                return false;
            }
        }
        return true;
    }

    /** The upstream constants that can absorb {@code 1/s} exactly, or null. */
    private static Fold fold(ModelGraph graph, String activation, int channels) {
        Node p = graph.producer(activation);
        if (p == null || !p.isDefaultDomain() || p.outputs().size() != 1) {
            return null;
        }
        if (p.opType().equals("Mul") && p.inputs().size() == 2 && !isGeluTail(graph, p)) {
            for (int i = 0; i < 2; i++) {
                Tensor c = perChannelConstant(graph, p.inputs().get(i), channels);
                if (c != null && !graph.isConstant(p.inputs().get(1 - i))) {
                    return Fold.of(p.name(), i, c);
                }
            }
        }
        if (p.opType().equals("LayerNormalization") && p.inputs().size() == 3) {
            Tensor scale = perChannelConstant(graph, p.inputs().get(1), channels);
            Tensor bias = perChannelConstant(graph, p.inputs().get(2), channels);
            if (scale != null && bias != null) {
                return new Fold(List.of(new Target(p.name(), 1, scale), new Target(p.name(), 2, bias)));
            }
        }
        return p.opType().equals("Reshape") ? AttentionValueFold.find(graph, activation, channels) : null;
    }

    /**
     * True for the final {@code ·0.5} of an exported erf-GELU ({@code x·(erf(x/√2)+1)·0.5}): ONNX Runtime fuses
     * the five nodes (and the bias Add before them) into one Gelu/BiasGelu kernel only while that constant is a
     * scalar, so folding {@code 1/s} into it would cost more than the Mul it saves.
     */
    private static boolean isGeluTail(ModelGraph graph, Node mul) {
        for (String in : mul.inputs()) {
            Node m = graph.producer(in);
            if (m != null && m.opType().equals("Mul")) {
                for (String x : m.inputs()) {
                    Node add = graph.producer(x);
                    if (add != null && add.opType().equals("Add") && add.inputs().stream().map(graph::producer)
                            .anyMatch(e -> e != null && e.opType().equals("Erf"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The constant's value when it is a float scalar or a vector of {@code channels}, else null. */
    private static Tensor perChannelConstant(ModelGraph graph, String tensor, int channels) {
        if (!graph.isConstant(tensor)) {
            return null;
        }
        Tensor t = graph.constantValue(tensor).orElse(null);
        if (t == null || t.dtype() != DType.FLOAT || t.rank() > 1) {
            return null;
        }
        return t.numel() == 1 || t.numel() == channels ? t : null;
    }
}
