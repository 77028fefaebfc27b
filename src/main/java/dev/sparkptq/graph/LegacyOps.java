package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Rewrites the default-domain ops of an opset 1–6 graph (the pre-1.0 exporters: PyTorch 0.2, early CNTK and Caffe2)
 * into their opset-7 forms, from which {@link OpsetUpgrade} continues to 13. Each rewrite keeps what the node
 * computes:
 * <ul>
 *   <li>{@code consumed_inputs} (a memory-reuse hint, removed at opset 6) and {@code is_test} are dropped;</li>
 *   <li>element-wise binary ops with {@code broadcast=1, axis=k} get their second operand reshaped so numpy
 *   broadcasting aligns it at axis {@code k} (a constant operand is reshaped in place, otherwise an Unsqueeze is
 *   inserted); Gemm's {@code broadcast} is dropped (opset 7 always broadcasts C);</li>
 *   <li>Reshape-1's {@code shape} attribute becomes an input, Concat-1 without {@code axis} gets its default 1,
 *   Pad-1's {@code paddings} is renamed {@code pads}, Cast-1's string {@code to} becomes the type number.</li>
 * </ul>
 * An op whose old form changed in other ways (Upsample-1, Tile-1, LpPool-1, recurrent ops …) is refused by name.
 */
final class LegacyOps {
    /** Ops whose opset-1 form is their opset-7 form, apart from the attributes dropped here. */
    private static final Set<String> SAME_AS_7 = Set.of("Abs", "ArgMax", "ArgMin", "AveragePool",
            "BatchNormalization", "Ceil", "Clip", "Constant", "Conv", "ConvTranspose", "DepthToSpace", "Dropout",
            "Elu", "Exp", "Flatten", "Floor", "Gather", "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid",
            "Hardmax", "Identity", "InstanceNormalization", "LRN", "LeakyRelu", "Log", "LogSoftmax",
            "LpNormalization", "MatMul", "Max", "MaxPool", "MaxRoiPool", "Mean", "Min", "Neg", "Not", "Reciprocal",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin",
            "ReduceProd", "ReduceSum", "ReduceSumSquare", "Relu", "Selu", "Shape", "Sigmoid", "Size", "Slice",
            "Softmax", "Softplus", "Softsign", "SpaceToDepth", "Sqrt", "Squeeze", "Sum", "Tanh", "TopK",
            "Transpose", "Unsqueeze");
    /** Binary ops that had {@code broadcast}/{@code axis} attributes before opset 7. */
    private static final Set<String> LEGACY_BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "And", "Or",
            "Xor", "Equal", "Greater", "Less");
    private static final Map<String, DType> CAST_NAMES = Map.of("FLOAT", DType.FLOAT, "DOUBLE", DType.DOUBLE,
            "INT64", DType.INT64, "INT32", DType.INT32, "INT16", DType.INT16, "UINT16", DType.UINT16, "INT8",
            DType.INT8, "UINT8", DType.UINT8, "BOOL", DType.BOOL);

    private LegacyOps() {
    }

    /** The graph with every default-domain node in its opset-7 form. @throws OpsetUpgrade.Refusal */
    static OnnxMl.GraphProto toOpset7(OnnxMl.GraphProto g, int opset) {
        UpgradeContext ctx = new UpgradeContext(g, opset);
        OnnxMl.GraphProto.Builder b = g.toBuilder().clearNode();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            b.addAllNode(OpsetStability.defaultDomain(n) ? rewrite(n, ctx, opset) : List.of(n));
        }
        b.addAllInitializer(ctx.addedInitializers());
        return OpsetUpgrade.withoutOrphanedInitializers(b.build(), g);
    }

    private static List<OnnxMl.NodeProto> rewrite(OnnxMl.NodeProto n, UpgradeContext ctx, int opset) {
        if (NodeProtos.intOr(n, "is_test", 1) == 0) {
            throw new OpsetUpgrade.Refusal(n, "is_test=0 (training mode) has no inference meaning");
        }
        OnnxMl.NodeProto plain = NodeProtos.rewire(n, n.getInputList(), "consumed_inputs", "is_test").build();
        String op = n.getOpType();
        if (LEGACY_BROADCAST.contains(op)) {
            return broadcast(plain, ctx);
        }
        return switch (op) {
            case "Gemm" -> List.of(NodeProtos.rewire(plain, plain.getInputList(), "broadcast").build());
            case "Reshape" -> List.of(reshape(plain, ctx));
            case "Concat" -> List.of(NodeProtos.attr(plain, "axis").isPresent() ? plain
                    : plain.toBuilder().addAttribute(NodeProtos.intAttr("axis", 1)).build());
            case "Pad" -> List.of(renamed(plain, "paddings", "pads"));
            case "Cast" -> List.of(cast(plain));
            case "Split" -> {
                if (plain.getInputCount() > 1) {
                    throw new OpsetUpgrade.Refusal(n, "its opset-1 form with the split sizes as an input has no "
                            + "conversion");
                }
                yield List.of(plain);
            }
            case "PRelu" -> List.of(prelu(plain, ctx));
            default -> {
                if (!SAME_AS_7.contains(op)) {
                    throw new OpsetUpgrade.Refusal(n, "this converter does not know its opset-" + opset + " form");
                }
                yield List.of(plain);
            }
        };
    }

    /** {@code broadcast=1, axis=k}: B's dims sit at axes {@code k…}; pad B with trailing 1s so numpy agrees. */
    private static List<OnnxMl.NodeProto> broadcast(OnnxMl.NodeProto n, UpgradeContext ctx) {
        OnnxMl.NodeProto plain = NodeProtos.rewire(n, n.getInputList(), "broadcast", "axis").build();
        Optional<OnnxMl.AttributeProto> axis = NodeProtos.attr(n, "axis");
        if (NodeProtos.intOr(n, "broadcast", 0) == 0 || axis.isEmpty() || n.getInputCount() < 2) {
            return List.of(plain);
        }
        OptionalInt rankA = ctx.rank(n.getInput(0));
        OptionalInt rankB = ctx.rank(n.getInput(1));
        if (rankA.isEmpty() || rankB.isEmpty()) {
            throw new OpsetUpgrade.Refusal(n, "broadcast along axis " + axis.get().getI() + " needs the ranks of "
                    + "its inputs, which are not known");
        }
        long k = axis.get().getI() < 0 ? axis.get().getI() + rankA.getAsInt() : axis.get().getI();
        int trailing = (int) (rankA.getAsInt() - k - rankB.getAsInt());
        if (trailing < 0) {
            throw new OpsetUpgrade.Refusal(n, "its broadcast axis " + k + " does not fit the input ranks");
        }
        if (trailing == 0) {
            return List.of(plain);
        }
        String b = n.getInput(1);
        Optional<Tensor> constant = ctx.constant(b);
        List<String> inputs = new ArrayList<>(plain.getInputList());
        if (constant.isPresent()) {
            long[] shape = java.util.Arrays.copyOf(constant.get().shape(), rankB.getAsInt() + trailing);
            java.util.Arrays.fill(shape, rankB.getAsInt(), shape.length, 1);
            inputs.set(1, ctx.addInitializer(b + "_aligned", constant.get().reshape(shape)));
            return List.of(plain.toBuilder().clearInput().addAllInput(inputs).build());
        }
        long[] axes = new long[trailing];
        for (int i = 0; i < trailing; i++) {
            axes[i] = rankB.getAsInt() + i;
        }
        String aligned = ctx.fresh(b + "_aligned");
        OnnxMl.NodeProto unsqueeze = NodeProtos.node("Unsqueeze", ctx.fresh(NodeProtos.stem(n) + "_align"),
                List.of(b), List.of(aligned), NodeProtos.intsAttr("axes", axes));
        inputs.set(1, aligned);
        return List.of(unsqueeze, plain.toBuilder().clearInput().addAllInput(inputs).build());
    }

    private static OnnxMl.NodeProto reshape(OnnxMl.NodeProto n, UpgradeContext ctx) {
        Optional<OnnxMl.AttributeProto> shape = NodeProtos.attr(n, "shape");
        if (shape.isEmpty()) {
            return n;
        }
        long[] dims = NodeProtos.ints(shape.get());
        String name = ctx.addInitializer(NodeProtos.stem(n) + "_shape",
                Tensor.ofLongs(new long[] {dims.length}, dims));
        return NodeProtos.rewire(n, List.of(n.getInput(0), name), "shape").build();
    }

    private static OnnxMl.NodeProto renamed(OnnxMl.NodeProto n, String from, String to) {
        Optional<OnnxMl.AttributeProto> a = NodeProtos.attr(n, from);
        return a.isEmpty() ? n : NodeProtos.rewire(n, n.getInputList(), from)
                .addAttribute(a.get().toBuilder().setName(to)).build();
    }

    private static OnnxMl.NodeProto cast(OnnxMl.NodeProto n) {
        Optional<OnnxMl.AttributeProto> to = NodeProtos.attr(n, "to");
        if (to.isEmpty() || !to.get().hasS()) {
            return n;
        }
        DType t = CAST_NAMES.get(to.get().getS().toStringUtf8().toUpperCase(Locale.ROOT));
        if (t == null) {
            throw new OpsetUpgrade.Refusal(n, "its target type '" + to.get().getS().toStringUtf8() + "' is not "
                    + "one this converter maps");
        }
        return NodeProtos.rewire(n, n.getInputList(), "to").addAttribute(NodeProtos.intAttr("to", t.onnxType()))
                .build();
    }

    /** PRelu before 7 had no general broadcasting rule: accept only a single shared slope. */
    private static OnnxMl.NodeProto prelu(OnnxMl.NodeProto n, UpgradeContext ctx) {
        Optional<Tensor> slope = n.getInputCount() > 1 ? ctx.constant(n.getInput(1)) : Optional.empty();
        if (slope.isEmpty() || slope.get().numel() != 1) {
            throw new OpsetUpgrade.Refusal(n, "its pre-opset-7 slope broadcasting is ambiguous unless the slope is "
                    + "one constant value");
        }
        return n;
    }
}
