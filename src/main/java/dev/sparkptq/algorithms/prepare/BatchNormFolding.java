package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.DeadCode;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.ValueFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Folds inference BatchNormalization into the Conv, ConvTranspose, Gemm or MatMul whose output it normalizes (also
 * when that op has no bias), as ONNX Runtime's Conv+BatchNorm fusion and NNCF's graph passes do; a BatchNorm with no
 * such producer becomes one {@code Mul} and one {@code Add} on the channel axis. Unfolded, a quantizer sits between
 * each conv and its BatchNorm and ONNX Runtime cannot run the conv as an integer kernel (UltraFace: 4 % of the MACs).
 *
 * <p>Before: {@code x ─► Conv(W, B) ─► c ─► BatchNormalization(γ, β, μ, σ²) ─► y}; after:
 * {@code x ─► Conv(W·a, B·a + b) ─► y} with {@code a = γ/√(σ²+ε)}, {@code b = β − μ·a} ({@link BatchNormMath}). Folded
 * only when the producer's output is read by the BatchNorm alone and its weight (and bias) are float initializers;
 * a weight other nodes also read is copied, not changed. A MatMul is folded when its output is 2-D (the channel is
 * then its last axis) and gets an {@code Add} for the shift. Left as it is: training-mode BatchNorm (or one whose
 * running statistics are read), non-constant or non-float parameters, and a BatchNorm of unknown input rank with no
 * foldable producer.
 */
final class BatchNormFolding implements PreparationStep {
    static final String NAME = "batchnorm_folding";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        if (model.getGraph().getNodeList().stream().noneMatch(BatchNormFolding::isBatchNorm)) {
            return new Result(model, StepRecord.none(NAME, "no BatchNormalization"));
        }
        Rewrite r = new Rewrite(model.getGraph(), ValueFacts.of(model, ValueFacts.Mode.SHAPES));
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (!isBatchNorm(n) || !r.fold(n)) {
                r.keep(n);
            }
        }
        if (r.folded.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "no BatchNormalization could be folded ("
                    + r.left + " left: training mode, non-constant parameters or unknown rank)"));
        }
        OnnxMl.GraphProto g = DeadCode.prune(r.build()).graph();
        return new Result(model.toBuilder().setGraph(g).build(), new StepRecord(NAME, r.folded.size(),
                r.describe(), r.folded));
    }

    private static boolean isBatchNorm(OnnxMl.NodeProto n) {
        return n.getOpType().equals("BatchNormalization") && (n.getDomain().isEmpty()
                || n.getDomain().equals("ai.onnx"));
    }

    /** The graph being rewritten, node by node. */
    private static final class Rewrite {
        private final OnnxMl.GraphProto g;
        private final ValueFacts facts;
        private final Uses uses;
        private final Names names;
        private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        private final List<OnnxMl.TensorProto> added = new ArrayList<>();
        private final List<String> folded = new ArrayList<>();
        private final Map<String, Integer> into = new TreeMap<>();
        private int left;

        Rewrite(OnnxMl.GraphProto g, ValueFacts facts) {
            this.g = g;
            this.facts = facts;
            this.uses = new Uses(g);
            this.names = new Names(g);
        }

        void keep(OnnxMl.NodeProto n) {
            nodes.add(n);
        }

        OnnxMl.GraphProto build() {
            return g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(added).build();
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            into.forEach((op, c) -> parts.add(op.equals("Mul+Add") ? c + " became Mul+Add (no foldable producer)"
                    : c + " into " + op));
            return folded.size() + " BatchNormalization folded: " + String.join(", ", parts)
                    + (left > 0 ? "; " + left + " left as they are" : "");
        }

        boolean fold(OnnxMl.NodeProto bn) {
            Optional<BatchNormMath.Affine> affine = affine(bn);
            if (affine.isEmpty()) {
                left++;
                return false;
            }
            String x = bn.getInput(0);
            int producerIndex = producerIndex(x);
            boolean done = producerIndex >= 0 && uses.readOnlyOnce(x)
                    && intoProducer(producerIndex, bn.getOutput(0), affine.get());
            if (!done && !asMulAdd(bn, affine.get())) {
                left++;
                return false;
            }
            folded.add(bn.getName().isEmpty() ? bn.getOutput(0) : bn.getName());
            return true;
        }

        private int producerIndex(String value) {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                if (nodes.get(i).getOutputList().contains(value)) {
                    return i;
                }
            }
            return -1;
        }

        /** a and b, when the BatchNorm is in inference mode with constant float [C] parameters. */
        private Optional<BatchNormMath.Affine> affine(OnnxMl.NodeProto bn) {
            if (bn.getInputCount() != 5 || NodeProtos.intOr(bn, "training_mode", 0) != 0
                    || NodeProtos.intOr(bn, "spatial", 1) != 1) {
                return Optional.empty();
            }
            for (int i = 1; i < bn.getOutputCount(); i++) {
                if (!bn.getOutput(i).isEmpty() && uses.sharedBeyond(bn.getOutput(i), 0)) {
                    return Optional.empty();
                }
            }
            float[][] p = new float[4][];
            for (int i = 0; i < 4; i++) {
                Optional<Tensor> t = facts.constant(bn.getInput(i + 1));
                if (t.isEmpty() || t.get().dtype() != DType.FLOAT || t.get().rank() != 1) {
                    return Optional.empty();
                }
                p[i] = t.get().floats();
                if (p[i].length != p[0].length) {
                    return Optional.empty();
                }
            }
            float eps = NodeProtos.attr(bn, "epsilon").map(OnnxMl.AttributeProto::getF).orElse(1e-5f);
            return Optional.of(BatchNormMath.affine(p[0], p[1], p[2], p[3], eps));
        }

        private boolean intoProducer(int index, String y, BatchNormMath.Affine f) {
            OnnxMl.NodeProto p = nodes.get(index);
            if (!(p.getDomain().isEmpty() || p.getDomain().equals("ai.onnx")) || p.getOutputCount() != 1) {
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
            String wName = add(p.getInput(1), Tensor.ofFloats(w.get().shape(), scaled));
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
                    NodeProtos.node("Add", names.fresh(stem + "_bn_shift"), List.of(product, shift), List.of(y))));
        }

        /** BatchNorm on rank-r input → Mul(x, a) then Add(·, b), with a and b shaped [C, 1, …, 1]. */
        private boolean asMulAdd(OnnxMl.NodeProto bn, BatchNormMath.Affine f) {
            int rank = facts.rank(bn.getInput(0));
            if (rank < 2) {
                return false;
            }
            long[] shape = new long[rank - 1];
            java.util.Arrays.fill(shape, 1);
            shape[0] = f.channels();
            String stem = bn.getName().isEmpty() ? "BatchNormalization" : bn.getName();
            String a = add(stem + "_scale", Tensor.ofFloats(shape, BatchNormMath.toFloats(f.a())));
            String b = add(stem + "_shift", Tensor.ofFloats(shape, BatchNormMath.toFloats(f.b())));
            String scaled = names.fresh(stem + "_scaled");
            nodes.add(NodeProtos.node("Mul", names.fresh(stem + "_mul"), List.of(bn.getInput(0), a),
                    List.of(scaled)));
            nodes.add(NodeProtos.node("Add", names.fresh(stem + "_add"), List.of(scaled, b), List.of(bn.getOutput(0))));
            into.merge("Mul+Add", 1, Integer::sum);
            return true;
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
        private String add(String base, Tensor value) {
            String name = names.fresh(base + "_bn");
            added.add(TensorProtos.fromTensor(name, value));
            return name;
        }
    }
}
