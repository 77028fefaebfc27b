package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates, in Java, a default-domain node whose inputs are all constants — the ops of shape sub-graphs and of
 * weights an exporter computes in the graph: Shape and Size (of a tensor with a static shape, constant or not),
 * Identity, Cast, Gather, Unsqueeze, Squeeze, Reshape, Flatten, Transpose, Concat, Slice, Split, Expand, Tile,
 * ConstantOfShape, Range, element-wise arithmetic, comparisons and Where ({@link ElementwiseOps}).
 *
 * <p>Results are exact for integer and data-movement ops; float arithmetic is IEEE single precision per element, as
 * ONNX Runtime's kernels compute it. A node whose output would hold more than {@link #maxElements} elements is left
 * in the graph when it would be larger than {@link #SMALL} and than its largest input.
 */
final class ConstantEvaluator {
    /** Fixed cap: outputs above this many elements are never materialized. */
    static final long HARD_LIMIT = 1L << 24;
    /**
     * Outputs up to this size are always folded (shape arithmetic: vectors of a rank's length); larger ones only when
     * no larger than their largest input, so folding never grows the model: a ConstantOfShape/Expand/Tile of a shape
     * (the zero padding a TensorFlow export concatenates, a broadcast PReLU slope) stays a small node instead of
     * becoming kilobytes to megabytes of initializer that the quantizer would then also have to carry.
     */
    static final long SMALL = 64;

    private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");
    private static final Set<String> OPS = Set.of("Identity", "Cast", "Shape", "Size", "Gather", "Unsqueeze",
            "Squeeze", "Reshape", "Flatten", "Transpose", "Concat", "Slice", "Split", "Expand", "Tile",
            "ConstantOfShape", "Range");

    private ConstantEvaluator() {
    }

    /**
     * The values of {@code n}'s outputs, when every input is a constant (or, for Shape/Size, has a static shape),
     * the op is one this class computes, and every output shape in {@code shaped} is static and small enough.
     */
    static Optional<List<Tensor>> evaluate(OnnxMl.NodeProto n, ShapeRules.Inputs in, List<ValueFacts.Fact> shaped,
                                           int opset) {
        String op = n.getOpType();
        if (!OPS.contains(op) && !ElementwiseOps.handles(op) || !inputsReady(n, in, SHAPE_ONLY.contains(op))
                || !outputsSmall(shaped, in, n)) {
            return Optional.empty();
        }
        try {
            List<Tensor> out = compute(n, in, shaped);
            if (out == null || out.size() != n.getOutputCount()) {
                return Optional.empty();
            }
            for (int i = 0; i < out.size(); i++) {
                long[] want = shaped.get(i).dims();
                if (out.get(i) == null || want != null && !java.util.Arrays.equals(want, out.get(i).shape())) {
                    return Optional.empty(); // the shape rule and the evaluation disagree: trust neither
                }
            }
            return Optional.of(out);
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    private static boolean inputsReady(OnnxMl.NodeProto n, ShapeRules.Inputs in, boolean shapeOnly) {
        if (shapeOnly) {
            return Dims.isStatic(in.dims(0));
        }
        for (int i = 0; i < n.getInputCount(); i++) {
            if (!n.getInput(i).isEmpty() && in.value(i) == null) {
                return false;
            }
        }
        return n.getInputCount() > 0 || n.getOpType().equals("Range");
    }

    private static boolean outputsSmall(List<ValueFacts.Fact> shaped, ShapeRules.Inputs in, OnnxMl.NodeProto n) {
        long largestInput = 0;
        for (int i = 0; i < n.getInputCount(); i++) {
            Tensor v = n.getInput(i).isEmpty() ? null : in.value(i);
            largestInput = Math.max(largestInput, v == null ? 0 : v.numel());
        }
        if (shaped.size() != n.getOutputCount()) {
            return false;
        }
        for (ValueFacts.Fact f : shaped) {
            long numel = Dims.numel(f.dims());
            if (numel < 0 || numel > HARD_LIMIT || numel > SMALL && numel > largestInput
                    || DType.fromOnnx(f.elemType()) == null) {
                return false;
            }
        }
        return true;
    }

    private static List<Tensor> compute(OnnxMl.NodeProto n, ShapeRules.Inputs in, List<ValueFacts.Fact> shaped) {
        Tensor x = in.value(0);
        long[] dims = shaped.get(0).dims();
        return switch (n.getOpType()) {
            case "Identity" -> List.of(x);
            case "Cast" -> List.of(Casts.cast(x, DType.fromOnnx((int) NodeProtos.intOr(n, "to", 0))));
            case "Shape" -> List.of(shape(n, in.dims(0)));
            case "Size" -> List.of(Tensor.ofLongs(new long[0], new long[] {Dims.numel(in.dims(0))}));
            case "Gather" -> List.of(Movement.gather(x, in.value(1), NodeProtos.intOr(n, "axis", 0)));
            case "Unsqueeze", "Squeeze", "Reshape", "Flatten" -> List.of(x.reshape(dims));
            case "Transpose" -> List.of(Movement.transpose(x, NodeProtos.attr(n, "perm").map(NodeProtos::ints)
                    .orElse(null)));
            case "Concat" -> List.of(Movement.concat(values(n, in), NodeProtos.intOr(n, "axis", 1)));
            case "Slice" -> List.of(Movement.slice(x, n, in, dims));
            case "Split" -> Movement.split(x, NodeProtos.intOr(n, "axis", 0), shaped);
            case "Expand", "Tile" -> List.of(Movement.broadcastTo(x, dims, n.getOpType().equals("Tile")));
            case "ConstantOfShape" -> List.of(constantOfShape(n, x));
            case "Range" -> List.of(range(in.value(0), in.value(1), in.value(2)));
            default -> List.of(ElementwiseOps.apply(n.getOpType(), values(n, in), dims,
                    DType.fromOnnx(shaped.get(0).elemType())));
        };
    }

    private static List<Tensor> values(OnnxMl.NodeProto n, ShapeRules.Inputs in) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            if (!n.getInput(i).isEmpty()) {
                out.add(in.value(i));
            }
        }
        return out;
    }

    private static Tensor shape(OnnxMl.NodeProto n, long[] dims) {
        int[] w = LayoutShapes.shapeWindow(n, dims.length);
        return Tensor.ofLongs(new long[] {w[1] - w[0]}, java.util.Arrays.copyOfRange(dims, w[0], w[1]));
    }

    private static Tensor constantOfShape(OnnxMl.NodeProto n, Tensor shape) {
        Tensor fill = NodeProtos.attr(n, "value").filter(OnnxMl.AttributeProto::hasT)
                .map(a -> TensorProtos.toTensor(a.getT())).orElse(Tensor.ofFloats(new long[] {1}, new float[1]));
        return Movement.broadcastTo(fill.reshape(new long[0]), shape.longs(), false);
    }

    private static Tensor range(Tensor start, Tensor limit, Tensor delta) {
        long n = LayoutShapes.rangeLength(start, limit, delta);
        if (start.dtype() == DType.FLOAT) {
            float s = start.floats()[0];
            float d = delta.floats()[0];
            float[] out = new float[(int) n];
            for (int i = 0; i < n; i++) {
                out[i] = s + i * d;
            }
            return Tensor.ofFloats(new long[] {n}, out);
        }
        long s = Casts.longs(start)[0];
        long d = Casts.longs(delta)[0];
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = s + i * d;
        }
        return Casts.cast(Tensor.ofLongs(new long[] {n}, out), start.dtype());
    }
}
