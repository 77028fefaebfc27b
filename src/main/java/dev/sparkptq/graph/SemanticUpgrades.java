package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Rewrites for ops whose meaning changed on the way to opset 13, each reproducing the old computation exactly:
 * <ul>
 *   <li>Softmax/LogSoftmax/Hardmax before 13 coerce the input to 2-D at {@code axis} (default 1) and normalize each
 *   row; at 13 {@code axis} (default -1) names one axis. When the rank is declared and {@code axis} is the last axis
 *   the two agree and only the axis is written out; otherwise the coercion is spelled out as
 *   Flatten(axis) → op(axis=-1) → Reshape(Shape(x)), which is exact for every rank.</li>
 *   <li>Dropout in inference copies its input: it becomes Identity unless its mask is read.</li>
 *   <li>Upsample (7–10) and Resize-10 index the input at {@code out / scale} (ONNX's "asymmetric" transform) and
 *   take the floor for nearest; Resize-13 gets that spelled out, the scales as its third input and an empty roi.</li>
 * </ul>
 */
final class SemanticUpgrades {
    private SemanticUpgrades() {
    }

    static List<OnnxMl.NodeProto> softmax(OnnxMl.NodeProto n, UpgradeContext ctx) {
        String x = n.getInput(0);
        long axis = NodeProtos.intOr(n, "axis", 1);
        OptionalInt rank = ctx.rank(x);
        if (rank.isPresent() && (axis < 0 ? axis + rank.getAsInt() : axis) == rank.getAsInt() - 1) {
            return List.of(NodeProtos.rewire(n, n.getInputList(), "axis")
                    .addAttribute(NodeProtos.intAttr("axis", rank.getAsInt() - 1)).build());
        }
        String stem = NodeProtos.stem(n);
        String flat = ctx.fresh(stem + "_2d_in");
        String rows = ctx.fresh(stem + "_2d_out");
        String shape = ctx.fresh(stem + "_in_shape");
        return List.of(
                NodeProtos.node("Flatten", ctx.fresh(stem + "_flatten"), List.of(x), List.of(flat),
                        NodeProtos.intAttr("axis", axis)),
                NodeProtos.node(n.getOpType(), n.getName(), List.of(flat), List.of(rows),
                        NodeProtos.intAttr("axis", -1)),
                NodeProtos.node("Shape", ctx.fresh(stem + "_shape"), List.of(x), List.of(shape)),
                NodeProtos.node("Reshape", ctx.fresh(stem + "_reshape"), List.of(rows, shape),
                        List.of(n.getOutput(0))));
    }

    static OnnxMl.NodeProto dropout(OnnxMl.NodeProto n, UpgradeContext ctx) {
        boolean maskRead = n.getOutputCount() > 1 && !n.getOutput(1).isEmpty() && ctx.isRead(n.getOutput(1));
        if (maskRead) {
            if (ctx.opset() >= 12) {
                return n;
            }
            throw new OpsetUpgrade.Refusal(n, "its mask output '" + n.getOutput(1) + "' is read");
        }
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            Optional<Tensor> training = ctx.constant(n.getInput(2));
            if (training.isEmpty() || training.get().numel() != 1 || training.get().toFloats()[0] != 0f) {
                throw new OpsetUpgrade.Refusal(n, "its training_mode input '" + n.getInput(2)
                        + "' is not a constant false");
            }
        }
        return NodeProtos.node("Identity", n.getName(), List.of(n.getInput(0)), List.of(n.getOutput(0)));
    }

    static OnnxMl.NodeProto upsample(OnnxMl.NodeProto n, UpgradeContext ctx) {
        String scales;
        if (n.getInputCount() > 1) {
            scales = n.getInput(1);
        } else {
            OnnxMl.AttributeProto a = NodeProtos.attr(n, "scales")
                    .orElseThrow(() -> new OpsetUpgrade.Refusal(n, "Upsample-7 needs 'scales'"));
            float[] s = new float[a.getFloatsCount()];
            for (int i = 0; i < s.length; i++) {
                s[i] = a.getFloats(i);
            }
            scales = ctx.addInitializer(NodeProtos.stem(n) + "_scales", Tensor.ofFloats(new long[] {s.length}, s));
        }
        return toResize(n, scales, "floor");
    }

    /** Resize-10 ({@code X, scales}) → Resize-13 ({@code X, roi="", scales}) with Resize-10's sampling spelled out. */
    static OnnxMl.NodeProto resize10(OnnxMl.NodeProto n, UpgradeContext ctx) {
        if (n.getInputCount() < 2 || n.getInput(1).isEmpty()) {
            throw new OpsetUpgrade.Refusal(n, "Resize-10 needs a scales input");
        }
        String rounding = "floor";
        if (NodeProtos.stringOr(n, "mode", "nearest").equals("nearest")) {
            rounding = nearestRounding(n, ctx.constant(n.getInput(1)));
        }
        return toResize(n, n.getInput(1), rounding);
    }

    /**
     * ONNX Runtime runs Resize-10 nearest with the floor of {@code out / scale} along axes that grow and the ceiling
     * along axes that shrink; Resize-13 has one rounding for all axes, so the scales must be constant and not mix
     * growing and shrinking axes.
     */
    private static String nearestRounding(OnnxMl.NodeProto n, Optional<Tensor> scales) {
        if (scales.isEmpty()) {
            throw new OpsetUpgrade.Refusal(n, "its scales '" + n.getInput(1) + "' are not a constant, and Resize-10 "
                    + "nearest rounds differently when upsampling and downsampling");
        }
        boolean grows = false;
        boolean shrinks = false;
        for (float s : scales.get().toFloats()) {
            grows |= s > 1;
            shrinks |= s < 1;
        }
        if (grows && shrinks) {
            throw new OpsetUpgrade.Refusal(n, "its scales both enlarge and shrink axes, which Resize-10 nearest "
                    + "rounds differently (floor vs ceiling) and Resize-13 cannot");
        }
        return shrinks ? "ceil" : "floor";
    }

    private static OnnxMl.NodeProto toResize(OnnxMl.NodeProto n, String scales, String rounding) {
        String mode = NodeProtos.stringOr(n, "mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear")) {
            throw new OpsetUpgrade.Refusal(n, "mode '" + mode + "' has no opset-13 equivalent");
        }
        OnnxMl.NodeProto.Builder b = NodeProtos.node("Resize", n.getName(), List.of(n.getInput(0), "", scales),
                n.getOutputList(), NodeProtos.stringAttr("mode", mode),
                NodeProtos.stringAttr("coordinate_transformation_mode", "asymmetric")).toBuilder();
        if (mode.equals("nearest")) {
            b.addAttribute(NodeProtos.stringAttr("nearest_mode", rounding));
        }
        return b.build();
    }
}
