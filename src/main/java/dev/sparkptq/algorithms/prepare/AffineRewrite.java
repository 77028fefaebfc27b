package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.FreshNames;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.ValueFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A graph being rewritten node by node by a step that folds a per-output-channel affine map
 * {@code y = a[c]·x + b[c]} ({@link BatchNormMath.Affine}) into the op that produces {@code x}: Conv and
 * ConvTranspose (weights scaled along their output-channel axis, bias {@code bias·a + b}), Gemm (B's output
 * columns or rows, C) and MatMul with a 2-D output (B's columns, plus an Add for {@code b}). New weights are new
 * initializers; the originals stay for other readers, and dead-code removal drops them when nothing reads them.
 * Weights a subgraph reads are never folded into.
 */
final class AffineRewrite {
    private final OnnxMl.GraphProto g;
    private final ValueFacts facts;
    private final Uses uses;
    private final FreshNames names;
    private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
    private final List<OnnxMl.TensorProto> added = new ArrayList<>();
    private final Map<String, Integer> into = new TreeMap<>();

    AffineRewrite(OnnxMl.GraphProto g, ValueFacts facts) {
        this.g = g;
        this.facts = facts;
        this.uses = new Uses(g);
        this.names = FreshNames.of(g);
    }

    ValueFacts facts() {
        return facts;
    }

    Uses uses() {
        return uses;
    }

    /** Emits {@code n} unchanged. */
    void keep(OnnxMl.NodeProto n) {
        nodes.add(n);
    }

    /** The rewritten graph (not yet pruned of dead initializers). */
    OnnxMl.GraphProto build() {
        return g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(added).build();
    }

    /** How many folds went into each op type (and {@code Mul+Add} for BatchNorms rewritten in place). */
    Map<String, Integer> counts() {
        return into;
    }

    /**
     * Folds {@code f} into the producer of {@code x} when it is one of {@code ops}, in the default domain, and
     * {@code x} is read by the folded node alone; the producer then writes {@code y}. @return false when not folded
     */
    boolean intoProducer(String x, String y, BatchNormMath.Affine f, Set<String> ops) {
        int index = producerIndex(x);
        if (index < 0 || !uses.readOnlyOnce(x)) {
            return false;
        }
        OnnxMl.NodeProto p = nodes.get(index);
        if (!ops.contains(p.getOpType()) || !(p.getDomain().isEmpty() || p.getDomain().equals("ai.onnx"))
                || p.getOutputCount() != 1) {
            return false;
        }
        Optional<List<OnnxMl.NodeProto>> replaced = switch (p.getOpType()) {
            case "Conv", "ConvTranspose" -> conv(p, y, f);
            case "Gemm" -> gemm(p, y, f);
            case "MatMul" -> matMul(p, y, f);
            default -> Optional.empty();
        };
        if (replaced.isEmpty()) {
            return false;
        }
        nodes.remove(index);
        nodes.addAll(index, replaced.get());
        into.merge(p.getOpType(), 1, Integer::sum);
        return true;
    }

    /** The emitted node writing {@code value}, or null. */
    OnnxMl.NodeProto producer(String value) {
        int i = producerIndex(value);
        return i < 0 ? null : nodes.get(i);
    }

    private int producerIndex(String value) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (nodes.get(i).getOutputList().contains(value)) {
                return i;
            }
        }
        return -1;
    }

    /** Emits {@code n} as a replacement counted under {@code kind}. */
    void emit(OnnxMl.NodeProto n, String kind) {
        nodes.add(n);
        if (kind != null) {
            into.merge(kind, 1, Integer::sum);
        }
    }

    String fresh(String base) {
        return names.fresh(base);
    }

    private Optional<List<OnnxMl.NodeProto>> conv(OnnxMl.NodeProto p, String y, BatchNormMath.Affine f) {
        Optional<Tensor> w = floatConstant(p, 1);
        boolean transposed = p.getOpType().equals("ConvTranspose");
        int group = (int) NodeProtos.intOr(p, "group", 1);
        if (w.isEmpty() || w.get().rank() < 3 || (transposed ? w.get().shape()[1] * group
                : w.get().shape()[0]) != f.channels()) {
            return Optional.empty();
        }
        Optional<float[]> bias = optionalBias(p, 2, f.channels());
        if (bias == null) {
            return Optional.empty();
        }
        float[] scaled = transposed ? BatchNormMath.scaleConvTranspose(w.get().floats(), w.get().shape(), group, f)
                : BatchNormMath.scaleConv(w.get().floats(), f);
        String wName = f.scalesNothing() ? p.getInput(1) : add(p.getInput(1), Tensor.ofFloats(w.get().shape(),
                scaled));
        String bName = add(p.getInputCount() > 2 && !p.getInput(2).isEmpty() ? p.getInput(2)
                : p.getInput(1) + "_bias", Tensor.ofFloats(new long[] {f.channels()},
                BatchNormMath.bias(bias.orElse(null), f)));
        return Optional.of(List.of(p.toBuilder().clearInput().addInput(p.getInput(0)).addInput(wName)
                .addInput(bName).setOutput(0, y).build()));
    }

    private Optional<List<OnnxMl.NodeProto>> gemm(OnnxMl.NodeProto p, String y, BatchNormMath.Affine f) {
        Optional<Tensor> w = floatConstant(p, 1);
        boolean transB = NodeProtos.intOr(p, "transB", 0) == 1;
        if (w.isEmpty() || w.get().rank() != 2 || w.get().shape()[transB ? 0 : 1] != f.channels()) {
            return Optional.empty();
        }
        Optional<float[]> c = optionalBias(p, 2, f.channels());
        if (c == null) {
            return Optional.empty();
        }
        float beta = NodeProtos.attr(p, "beta").map(OnnxMl.AttributeProto::getF).orElse(1f);
        float[] cEff = c.map(v -> scaled(v, beta)).orElse(null);
        long[] s = w.get().shape();
        String wName = add(p.getInput(1), Tensor.ofFloats(s, BatchNormMath.scaleMatrix(w.get().floats(), s[0],
                s[1], transB, f)));
        String cName = add(p.getInputCount() > 2 && !p.getInput(2).isEmpty() ? p.getInput(2)
                : p.getInput(1) + "_bias", Tensor.ofFloats(new long[] {f.channels()},
                BatchNormMath.bias(cEff, f)));
        OnnxMl.NodeProto.Builder b = NodeProtos.rewire(p, List.of(p.getInput(0), wName, cName), "beta")
                .setOutput(0, y);
        return Optional.of(List.of(b.build()));
    }

    private Optional<List<OnnxMl.NodeProto>> matMul(OnnxMl.NodeProto p, String y, BatchNormMath.Affine f) {
        Optional<Tensor> w = floatConstant(p, 1);
        if (w.isEmpty() || w.get().rank() != 2 || w.get().shape()[1] != f.channels()
                || facts.rank(p.getOutput(0)) != 2) {
            return Optional.empty();
        }
        long[] s = w.get().shape();
        String wName = add(p.getInput(1), Tensor.ofFloats(s, BatchNormMath.scaleMatrix(w.get().floats(), s[0],
                s[1], false, f)));
        String shift = add(p.getInput(1) + "_bias", Tensor.ofFloats(new long[] {f.channels()},
                BatchNormMath.bias(null, f)));
        String product = names.fresh(p.getOutput(0));
        String stem = p.getName().isEmpty() ? "MatMul" : p.getName();
        return Optional.of(List.of(p.toBuilder().setInput(1, wName).setOutput(0, product).build(),
                NodeProtos.node("Add", names.fresh(stem + "_shift"), List.of(product, shift), List.of(y))));
    }

    /** A float initializer input not read by any subgraph (outer-scope weights stay untouched). */
    private Optional<Tensor> floatConstant(OnnxMl.NodeProto p, int input) {
        if (p.getInputCount() <= input || uses.readBySubgraph(p.getInput(input))) {
            return Optional.empty();
        }
        return facts.constant(p.getInput(input)).filter(t -> t.dtype() == DType.FLOAT);
    }

    /**
     * The bias input: empty when absent, its values when a float constant of {@code channels} values (or one
     * value, broadcast); null when present but not foldable.
     */
    private Optional<float[]> optionalBias(OnnxMl.NodeProto p, int input, int channels) {
        if (p.getInputCount() <= input || p.getInput(input).isEmpty()) {
            return Optional.empty();
        }
        Optional<Tensor> b = floatConstant(p, input);
        if (b.isEmpty() || b.get().numel() != channels && b.get().numel() != 1) {
            return null;
        }
        float[] v = b.get().floats();
        if (v.length == 1 && channels != 1) {
            float[] full = new float[channels];
            java.util.Arrays.fill(full, v[0]);
            return Optional.of(full);
        }
        return Optional.of(v);
    }

    private static float[] scaled(float[] v, float factor) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }

    /** A new initializer named after {@code base}; the original stays for other readers (dead code drops it). */
    String add(String base, Tensor value) {
        String name = names.fresh(base + "_folded");
        added.add(TensorProtos.fromTensor(name, value));
        return name;
    }
}
