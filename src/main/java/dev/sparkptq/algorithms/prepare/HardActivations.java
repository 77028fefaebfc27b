package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.DeadCode;
import dev.sparkptq.graph.FreshNames;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.ValueFacts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decomposed HardSigmoid and HardSwish become the ops themselves, as exporters without those ops (Paddle2ONNX,
 * older PyTorch and TensorFlow converters) leave them: {@code clip(a·x + b, 0, h)·k} with {@code h·k = 1} is
 * {@code HardSigmoid(x; α = a·k, β = b·k)} (ReLU6-based {@code relu6(x + 3)/6}, {@code clip(x·0.2 + 0.5, 0, 1)},
 * a Mul by 1/6 instead of a Div by 6), and {@code x·clip(x + 3, 0, 6)/6} — the scale after the product — is
 * {@code x·HardSigmoid(x; 1/6, 1/2)}, which is what ONNX defines HardSwish as and what ONNX Runtime's CPU provider
 * runs for a HardSwish op (it inlines the function), at any opset from 6.
 *
 * <p>Why: decomposed, the value {@code x} — usually a Conv's output — is read by an Add and by the Mul, so the
 * planner's quantizer on it cannot be the Conv's only consumer and ONNX Runtime runs the Conv as a float kernel
 * (PaddleOCR: ~70 % of the MACs). As one HardSigmoid (plus the Mul of the x·gate form) the planner quantizes
 * {@code x} once for both readers and the Conv fuses into QLinearConv; the float tail is also two ops instead of four.
 *
 * <p>Exact up to float rounding (the same affine map, evaluated once instead of in steps). Every constant must be a
 * single float value whose rank does not widen {@code x}; the clip's lower bound must be 0, the scale positive and
 * {@code h·k} equal to 1 within {@link #TOLERANCE}; in the x·gate form the product must read the same {@code x} as
 * the affine chain; every intermediate value must be read by the next node of the pattern alone.
 */
final class HardActivations implements PreparationStep {
    static final String NAME = "hard_activations";
    /** Relative tolerance on {@code h·k = 1} and on the clip's lower bound being 0. */
    static final double TOLERANCE = 1e-6;
    /** Constant Add/Sub/Mul/Div steps looked through between {@code x} and the clip. */
    static final int AFFINE_DEPTH_LIMIT = 3;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto g = model.getGraph();
        HardActivationMatcher m = new HardActivationMatcher(g, ValueFacts.of(model, ValueFacts.Mode.SHAPES));
        FreshNames names = FreshNames.of(g);
        Map<OnnxMl.NodeProto, List<OnnxMl.NodeProto>> replaced = new HashMap<>();
        Set<OnnxMl.NodeProto> removed = new HashSet<>();
        List<String> found = new ArrayList<>();
        int swish = 0;
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (removed.contains(n)) {
                continue;
            }
            Optional<Match> match = m.swish(n).or(() -> m.sigmoid(n));
            if (match.isEmpty() || match.get().nodes().stream().anyMatch(removed::contains)) {
                continue;
            }
            Match k = match.get();
            removed.addAll(k.nodes());
            replaced.put(n, k.replacement(n, names));
            found.add(NodeProtos.stem(n));
            swish += k.swish() ? 1 : 0;
        }
        if (found.isEmpty()) {
            return new Result(model, StepRecord.none(NAME, "no decomposed HardSigmoid or HardSwish"));
        }
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (replaced.containsKey(n)) {
                b.addAllNode(replaced.get(n));
            } else if (!removed.contains(n)) {
                b.addNode(n);
            }
        }
        OnnxMl.GraphProto pruned = DeadCode.prune(b.build()).graph();
        return new Result(model.toBuilder().setGraph(pruned).build(), new StepRecord(NAME, found.size(),
                summary(swish, found.size() - swish), found));
    }

    private static String summary(int swish, int sigmoid) {
        List<String> parts = new ArrayList<>();
        if (swish > 0) {
            parts.add(StepRecord.count(swish, "decomposed HardSwish pattern") + " became x·HardSigmoid(x)");
        }
        if (sigmoid > 0) {
            parts.add(StepRecord.count(sigmoid, "decomposed HardSigmoid pattern") + " became HardSigmoid");
        }
        return String.join(", ", parts) + " (read once, its input lets the conv before it fuse)";
    }

    /**
     * A recognised pattern ending at some node: {@code x}, the HardSigmoid's {@code α, β}, the pattern's nodes
     * (the end node included) and whether the result is {@code x·HardSigmoid(x)}.
     */
    record Match(String x, double alpha, double beta, List<OnnxMl.NodeProto> nodes, boolean swish) {
        /** The nodes taking {@code end}'s place: a HardSigmoid writing its output, or HardSigmoid + Mul. */
        List<OnnxMl.NodeProto> replacement(OnnxMl.NodeProto end, FreshNames names) {
            String stem = NodeProtos.stem(end);
            String out = end.getOutput(0);
            OnnxMl.AttributeProto a = floatAttr("alpha", alpha);
            OnnxMl.AttributeProto b = floatAttr("beta", beta);
            if (!swish) {
                return List.of(NodeProtos.node("HardSigmoid", names.fresh(stem + "_hardsigmoid"), List.of(x),
                        List.of(out), a, b));
            }
            String gate = names.fresh(stem + "_gate");
            return List.of(NodeProtos.node("HardSigmoid", names.fresh(stem + "_hardsigmoid"), List.of(x),
                    List.of(gate), a, b), NodeProtos.node("Mul", names.fresh(stem + "_hardswish"), List.of(x, gate),
                    List.of(out)));
        }

        private static OnnxMl.AttributeProto floatAttr(String name, double v) {
            return OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF((float) v).build();
        }
    }
}
