package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.DeadCode;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.ValueFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Conv or ConvTranspose followed by an {@code Add} or {@code Mul} of a per-output-channel constant (a bias or a
 * scale an exporter wrote as a separate op, as pre-1.0 PyTorch and some converters do) absorbs it into its bias or
 * weights, as ONNX Runtime's Conv+Add and Conv+Mul fusions do. Unfolded, the planner has no quantizer for the conv's
 * output (an Add of a constant is not quantized), so ONNX Runtime cannot run the conv as an integer kernel.
 *
 * <p>Before: {@code x ─► Conv(W) ─► c ─► Add(·, B[1,C,1,1]) ─► y}; after: {@code x ─► Conv(W, B) ─► y}. Before:
 * {@code Conv(W, B) ─► Mul(·, s[C,1,1])}; after: {@code Conv(W·s, B·s)}. The constant must be float, broadcast
 * only along the channel axis (or be a single value), and the conv's output must be read by the Add/Mul alone.
 * Repeated until nothing changes, so a chain Conv → Add → Mul folds completely.
 */
final class ChannelAffineFolding implements PreparationStep {
    static final String NAME = "conv_add_mul_folding";
    private static final Set<String> PRODUCERS = Set.of("Conv", "ConvTranspose");
    private static final int MAX_ROUNDS = 8;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        List<String> folded = new ArrayList<>();
        OnnxMl.ModelProto current = model;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<String> now = new ArrayList<>();
            OnnxMl.ModelProto next = once(current, now);
            if (now.isEmpty()) {
                break;
            }
            folded.addAll(now);
            current = next;
        }
        if (folded.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "no Add or Mul of a per-channel constant after a conv"));
        }
        return new Result(current, new StepRecord(NAME, folded.size(), folded.size() + " Add/Mul of per-channel "
                + "constants folded into the conv before them (bias or weight scale)", folded));
    }

    private static OnnxMl.ModelProto once(OnnxMl.ModelProto model, List<String> folded) {
        AffineRewrite r = new AffineRewrite(model.getGraph(), ValueFacts.of(model, ValueFacts.Mode.SHAPES));
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (!fold(r, n)) {
                r.keep(n);
            } else {
                folded.add(n.getName().isEmpty() ? n.getOutput(0) : n.getName());
            }
        }
        return folded.isEmpty() ? model : model.toBuilder().setGraph(DeadCode.prune(r.build()).graph()).build();
    }

    private static boolean fold(AffineRewrite r, OnnxMl.NodeProto n) {
        boolean add = n.getOpType().equals("Add");
        if (!add && !n.getOpType().equals("Mul") || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))
                || n.getInputCount() != 2 || n.getOutputCount() != 1) {
            return false;
        }
        for (int side = 0; side < 2; side++) {
            String x = n.getInput(side);
            String k = n.getInput(1 - side);
            OnnxMl.NodeProto p = r.producer(x);
            if (p == null || !PRODUCERS.contains(p.getOpType()) || r.uses().readBySubgraph(k)) {
                continue;
            }
            Optional<double[]> perChannel = perChannel(r, p, k);
            if (perChannel.isPresent() && r.intoProducer(x, n.getOutput(0), affine(perChannel.get(), add),
                    PRODUCERS)) {
                return true;
            }
        }
        return false;
    }

    private static BatchNormMath.Affine affine(double[] k, boolean add) {
        double[] ones = new double[k.length];
        java.util.Arrays.fill(ones, 1);
        return add ? new BatchNormMath.Affine(ones, k) : new BatchNormMath.Affine(k, new double[k.length]);
    }

    /** The constant's value per output channel of the conv, when it varies along the channel axis only. */
    private static Optional<double[]> perChannel(AffineRewrite r, OnnxMl.NodeProto conv, String k) {
        Optional<Tensor> w = r.facts().constant(conv.getInput(1));
        Optional<Tensor> c = r.facts().constant(k);
        if (w.isEmpty() || c.isEmpty() || c.get().dtype() != DType.FLOAT || c.get().rank() > w.get().rank()) {
            return Optional.empty();
        }
        int rank = w.get().rank();
        long channels = conv.getOpType().equals("Conv") ? w.get().shape()[0]
                : w.get().shape()[1] * NodeProtos.intOr(conv, "group", 1);
        long[] padded = new long[rank];
        java.util.Arrays.fill(padded, 1);
        System.arraycopy(c.get().shape(), 0, padded, rank - c.get().rank(), c.get().rank());
        for (int i = 0; i < rank; i++) {
            if (padded[i] != 1 && (i != 1 || padded[i] != channels)) {
                return Optional.empty();
            }
        }
        float[] v = c.get().floats();
        double[] out = new double[(int) channels];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.length == 1 ? v[0] : v[i];
        }
        return Optional.of(out);
    }
}
