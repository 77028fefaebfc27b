package dev.sparkptq.plan;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.GraphEdit;

import java.util.ArrayList;
import java.util.List;

/**
 * Gives exported dynamic Reshapes a constant target shape: PyTorch writes a transformer's head split/merge as
 *
 * <pre>
 *   Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), Unsqueeze(Gather(Shape(x), 1)), H, D))
 * </pre>
 *
 * which is exactly {@code Reshape(x, [0, 0, H, D])} (0 = copy that dimension of x). ONNX Runtime makes the same
 * rewrite (its reshape fusion) on the FP32 model, but not once a quantizer sits next to the Reshape: its QDQ
 * propagation moves the QuantizeLinear through the Reshape first, the Shape no longer reads the Reshape's input,
 * and each head merge then runs six extra shape nodes per call. Rewriting the shape ourselves keeps FP32 outputs
 * identical and leaves nothing to fuse.
 */
public final class CopiedDimReshapes {
    private CopiedDimReshapes() {
    }

    /** One {@code ReplaceConstantInput} per matching Reshape (its shape input becomes the constant). */
    public static List<GraphEdit> edits(ModelGraph graph) {
        List<GraphEdit> out = new ArrayList<>();
        for (Node reshape : graph.nodes()) {
            if (reshape.opType().equals("Reshape") && reshape.isDefaultDomain() && reshape.inputs().size() == 2
                    && reshape.intAttr("allowzero", 0) == 0) {
                long[] shape = copiedShape(graph, reshape.inputs().get(0), reshape.inputs().get(1));
                if (shape != null) {
                    out.add(new GraphEdit.ReplaceConstantInput(reshape.name(), 1,
                            Tensor.ofLongs(new long[]{shape.length}, shape)));
                }
            }
        }
        return out;
    }

    /**
     * The constant shape equal to {@code shape} when it is a Concat whose leading inputs are
     * {@code Unsqueeze(Gather(Shape(data), i))} for {@code i = 0, 1, ...} in order (each becomes 0) and whose
     * remaining inputs are one-element int64 constants; else null.
     */
    static long[] copiedShape(ModelGraph graph, String data, String shape) {
        Node concat = graph.producer(shape);
        if (concat == null || !concat.opType().equals("Concat") || !concat.isDefaultDomain()) {
            return null;
        }
        List<String> parts = concat.inputs();
        long[] out = new long[parts.size()];
        boolean copying = true;
        for (int i = 0; i < parts.size(); i++) {
            if (copying && isDimOf(graph, parts.get(i), data, i)) {
                out[i] = 0;
                continue;
            }
            copying = false;
            Tensor t = graph.constantValue(parts.get(i)).orElse(null);
            if (t == null || t.dtype() != DType.INT64 || t.numel() != 1 || t.longs()[0] == 0) {
                return null;
            }
            out[i] = t.longs()[0];
        }
        return out;
    }

    /** True when {@code tensor} is {@code Unsqueeze(Gather(Shape(data), axis))} as a one-element vector. */
    private static boolean isDimOf(ModelGraph graph, String tensor, String data, int axis) {
        Node unsqueeze = graph.producer(tensor);
        if (unsqueeze == null || !unsqueeze.opType().equals("Unsqueeze") || unsqueeze.inputs().isEmpty()) {
            return false;
        }
        Node gather = graph.producer(unsqueeze.inputs().get(0));
        if (gather == null || !gather.opType().equals("Gather") || gather.inputs().size() != 2) {
            return false;
        }
        Node shape = graph.producer(gather.inputs().get(0));
        Tensor index = graph.constantValue(gather.inputs().get(1)).orElse(null);
        return shape != null && shape.opType().equals("Shape") && shape.inputs().get(0).equals(data)
                && shape.intAttr("start", 0) == 0 && index != null && index.dtype() == DType.INT64
                && index.numel() == 1 && index.longs()[0] == axis;
    }
}
