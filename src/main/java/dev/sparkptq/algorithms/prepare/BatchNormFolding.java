package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.DeadCode;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.ValueFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /** Ops a BatchNorm folds into. */
    private static final Set<String> PRODUCERS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        if (model.getGraph().getNodeList().stream().noneMatch(BatchNormFolding::isBatchNorm)) {
            return new Result(model, StepRecord.none(NAME, "no BatchNormalization"));
        }
        AffineRewrite r = new AffineRewrite(model.getGraph(), ValueFacts.of(model, ValueFacts.Mode.SHAPES));
        List<String> folded = new ArrayList<>();
        int left = 0;
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (!isBatchNorm(n)) {
                r.keep(n);
            } else if (fold(r, n)) {
                folded.add(n.getName().isEmpty() ? n.getOutput(0) : n.getName());
            } else {
                r.keep(n);
                left++;
            }
        }
        if (folded.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "no BatchNormalization could be folded (" + left
                    + " left: training mode, non-constant parameters or unknown rank)"));
        }
        OnnxMl.GraphProto g = DeadCode.prune(r.build()).graph();
        return new Result(model.toBuilder().setGraph(g).build(), new StepRecord(NAME, folded.size(),
                describe(folded.size(), r.counts(), left), folded));
    }

    private static String describe(int folded, Map<String, Integer> counts, int left) {
        List<String> parts = new ArrayList<>();
        counts.forEach((op, c) -> parts.add(op.equals(MUL_ADD) ? c + " became Mul+Add (no foldable producer)"
                : c + " into " + op));
        return folded + " BatchNormalization folded: " + String.join(", ", parts)
                + (left > 0 ? "; " + left + " left as they are" : "");
    }

    private static final String MUL_ADD = "Mul+Add";

    private static boolean isBatchNorm(OnnxMl.NodeProto n) {
        return n.getOpType().equals("BatchNormalization") && (n.getDomain().isEmpty()
                || n.getDomain().equals("ai.onnx"));
    }

    private static boolean fold(AffineRewrite r, OnnxMl.NodeProto bn) {
        Optional<BatchNormMath.Affine> affine = affine(r, bn);
        return affine.isPresent() && (r.intoProducer(bn.getInput(0), bn.getOutput(0), affine.get(), PRODUCERS)
                || asMulAdd(r, bn, affine.get()));
    }

    /** a and b, when the BatchNorm is in inference mode with constant float [C] parameters. */
    private static Optional<BatchNormMath.Affine> affine(AffineRewrite r, OnnxMl.NodeProto bn) {
        if (bn.getInputCount() != 5 || NodeProtos.intOr(bn, "training_mode", 0) != 0
                || NodeProtos.intOr(bn, "spatial", 1) != 1) {
            return Optional.empty();
        }
        for (int i = 1; i < bn.getOutputCount(); i++) {
            if (!bn.getOutput(i).isEmpty() && r.uses().sharedBeyond(bn.getOutput(i), 0)) {
                return Optional.empty();
            }
        }
        float[][] p = new float[4][];
        for (int i = 0; i < 4; i++) {
            Optional<Tensor> t = r.facts().constant(bn.getInput(i + 1));
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

    /** BatchNorm on rank-r input → Mul(x, a) then Add(·, b), with a and b shaped [C, 1, …, 1]. */
    private static boolean asMulAdd(AffineRewrite r, OnnxMl.NodeProto bn, BatchNormMath.Affine f) {
        int rank = r.facts().rank(bn.getInput(0));
        if (rank < 2) {
            return false;
        }
        long[] shape = new long[rank - 1];
        java.util.Arrays.fill(shape, 1);
        shape[0] = f.channels();
        String stem = bn.getName().isEmpty() ? "BatchNormalization" : bn.getName();
        String a = r.add(stem + "_scale", Tensor.ofFloats(shape, BatchNormMath.toFloats(f.a())));
        String b = r.add(stem + "_shift", Tensor.ofFloats(shape, BatchNormMath.toFloats(f.b())));
        String scaled = r.fresh(stem + "_scaled");
        r.emit(NodeProtos.node("Mul", r.fresh(stem + "_mul"), List.of(bn.getInput(0), a), List.of(scaled)), null);
        r.emit(NodeProtos.node("Add", r.fresh(stem + "_add"), List.of(scaled, b), List.of(bn.getOutput(0))),
                MUL_ADD);
        return true;
    }
}
