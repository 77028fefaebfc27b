package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Rewrites for ops whose attributes became inputs on the way to opset 13; each attribute becomes an initializer
 * with exactly the values the attribute held, so the node computes the same:
 * Squeeze/Unsqueeze/ReduceSum {@code axes} (inputs at 13), Split {@code split} (13), Slice-1 {@code starts/ends/axes}
 * (10), TopK-1 {@code k} (10), Pad-2 {@code pads/value} (11), Clip-6 {@code min/max} (11).
 */
final class AttributeInputs {
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
    private static final int DOUBLE = OnnxMl.TensorProto.DataType.DOUBLE_VALUE;

    private AttributeInputs() {
    }

    /** Squeeze, Unsqueeze, ReduceSum: {@code axes} attribute → second input (absent axes stay absent). */
    static OnnxMl.NodeProto axes(OnnxMl.NodeProto n, UpgradeContext ctx) {
        Optional<OnnxMl.AttributeProto> axes = NodeProtos.attr(n, "axes");
        if (axes.isEmpty()) {
            if (n.getOpType().equals("Unsqueeze")) {
                throw new OpsetUpgrade.Refusal(n, "Unsqueeze without axes is not a valid node");
            }
            return n;
        }
        String name = ctx.addInitializer(NodeProtos.stem(n) + "_axes", longs(NodeProtos.ints(axes.get())));
        return NodeProtos.rewire(n, List.of(n.getInput(0), name), "axes").build();
    }

    /** Split: {@code split} attribute → second input. */
    static OnnxMl.NodeProto split(OnnxMl.NodeProto n, UpgradeContext ctx) {
        Optional<OnnxMl.AttributeProto> split = NodeProtos.attr(n, "split");
        if (split.isEmpty()) {
            return n;
        }
        String name = ctx.addInitializer(NodeProtos.stem(n) + "_split", longs(NodeProtos.ints(split.get())));
        return NodeProtos.rewire(n, List.of(n.getInput(0), name), "split").build();
    }

    /** Slice-1: {@code starts}, {@code ends}, {@code axes} attributes → inputs (clamping rules are the same). */
    static OnnxMl.NodeProto slice(OnnxMl.NodeProto n, UpgradeContext ctx) {
        String stem = NodeProtos.stem(n);
        List<String> inputs = new ArrayList<>(List.of(n.getInput(0)));
        for (String attr : List.of("starts", "ends", "axes")) {
            Optional<OnnxMl.AttributeProto> a = NodeProtos.attr(n, attr);
            if (a.isPresent()) {
                inputs.add(ctx.addInitializer(stem + "_" + attr, longs(NodeProtos.ints(a.get()))));
            } else if (!attr.equals("axes")) {
                throw new OpsetUpgrade.Refusal(n, "Slice-1 without '" + attr + "' is not a valid node");
            }
        }
        return NodeProtos.rewire(n, inputs, "starts", "ends", "axes").build();
    }

    /** TopK-1: {@code k} attribute → a one-element int64 input. */
    static OnnxMl.NodeProto topK(OnnxMl.NodeProto n, UpgradeContext ctx) {
        long k = NodeProtos.attr(n, "k").orElseThrow(() -> new OpsetUpgrade.Refusal(n, "TopK-1 needs 'k'")).getI();
        String name = ctx.addInitializer(NodeProtos.stem(n) + "_k", longs(k));
        return NodeProtos.rewire(n, List.of(n.getInput(0), name), "k").build();
    }

    /** Pad-2: {@code pads} → input; a non-zero constant {@code value} → a scalar of the data's type. */
    static OnnxMl.NodeProto pad(OnnxMl.NodeProto n, UpgradeContext ctx) {
        String stem = NodeProtos.stem(n);
        OnnxMl.AttributeProto pads = NodeProtos.attr(n, "pads")
                .orElseThrow(() -> new OpsetUpgrade.Refusal(n, "Pad-2 needs 'pads'"));
        List<String> inputs = new ArrayList<>(List.of(n.getInput(0),
                ctx.addInitializer(stem + "_pads", longs(NodeProtos.ints(pads)))));
        float value = NodeProtos.attr(n, "value").map(OnnxMl.AttributeProto::getF).orElse(0f);
        if (NodeProtos.stringOr(n, "mode", "constant").equals("constant") && value != 0f) {
            inputs.add(ctx.addInitializer(stem + "_value", scalarLike(n, ctx, value)));
        }
        return NodeProtos.rewire(n, inputs, "pads", "value").build();
    }

    /** Clip-6: {@code min}/{@code max} attributes → scalar inputs of the data's type (absent bounds stay absent). */
    static OnnxMl.NodeProto clip(OnnxMl.NodeProto n, UpgradeContext ctx) {
        String stem = NodeProtos.stem(n);
        Optional<OnnxMl.AttributeProto> min = NodeProtos.attr(n, "min");
        Optional<OnnxMl.AttributeProto> max = NodeProtos.attr(n, "max");
        List<String> inputs = new ArrayList<>(List.of(n.getInput(0)));
        if (min.isPresent() || max.isPresent()) {
            inputs.add(min.isPresent() ? ctx.addInitializer(stem + "_min", scalarLike(n, ctx, min.get().getF())) : "");
        }
        if (max.isPresent()) {
            inputs.add(ctx.addInitializer(stem + "_max", scalarLike(n, ctx, max.get().getF())));
        }
        return NodeProtos.rewire(n, inputs, "min", "max").build();
    }

    /** A scalar holding {@code value} in the element type of the node's first input (float or double). */
    private static Tensor scalarLike(OnnxMl.NodeProto n, UpgradeContext ctx, float value) {
        OptionalInt type = ctx.elemType(n.getInput(0));
        if (type.isPresent() && type.getAsInt() == FLOAT) {
            return Tensor.ofFloats(new long[0], new float[] {value});
        }
        if (type.isPresent() && type.getAsInt() == DOUBLE) {
            return Tensor.ofDoubles(new long[0], new double[] {value});
        }
        throw new OpsetUpgrade.Refusal(n, "the element type of its input '" + n.getInput(0) + "' is "
                + (type.isPresent() ? "ONNX type " + type.getAsInt() : "not declared")
                + ", so its bound/pad value cannot be written as a typed input");
    }

    private static Tensor longs(long... values) {
        return Tensor.ofLongs(new long[] {values.length}, values);
    }
}
