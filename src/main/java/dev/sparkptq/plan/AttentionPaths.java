package dev.sparkptq.plan;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;

import java.util.Arrays;
import java.util.List;

/**
 * The matching steps the exact attention rewrites share ({@link AttentionValueFold}, {@link KeyBiasDrop},
 * {@link ValueBiasMove}): they walk up an exported attention block one producer at a time, and may only rewrite a
 * tensor whose values nothing else sees — Shape ops aside, which read the shape only, and the rewrites keep shapes.
 */
final class AttentionPaths {
    private AttentionPaths() {
    }

    /**
     * The default-domain producer of {@code tensor} when it has type {@code opType}, a single output that is no graph
     * output, and (unless {@code reader} is null) no reader but {@code reader} and Shape ops; else null.
     */
    static Node producerReadOnlyBy(ModelGraph graph, String tensor, String opType, Node reader) {
        Node p = graph.producer(tensor);
        if (p == null || !p.opType().equals(opType) || !p.isDefaultDomain() || p.outputs().size() != 1
                || graph.isGraphOutput(tensor)) {
            return null;
        }
        for (Use u : reader == null ? List.<Use>of() : graph.consumers(tensor)) {
            if (u.node() != reader && !u.node().name().equals(reader.name())
                    && !u.node().opType().equals("Shape")) {
                return null;
            }
        }
        return p;
    }

    /** True for a default-domain Softmax over the last axis (the opset's default axis counted). */
    static boolean isLastAxisSoftmax(ModelGraph graph, Node node) {
        return node != null && node.opType().equals("Softmax") && node.isDefaultDomain()
                && node.intAttr("axis", graph.opset() >= 13 ? -1 : 1) == -1;
    }

    /**
     * The last {@code n} entries of a Reshape target shape: a constant, or (as exported with dynamic batch and
     * sequence axes) a Concat whose last {@code n} inputs are one-element constants; else null.
     */
    static long[] shapeTail(ModelGraph graph, String shape, int n) {
        Tensor constant = graph.constantValue(shape).orElse(null);
        if (constant != null) {
            long[] v = constant.dtype() == DType.INT64 ? constant.longs() : null;
            return v == null || v.length < n ? null : Arrays.copyOfRange(v, v.length - n, v.length);
        }
        Node concat = graph.producer(shape);
        if (concat == null || !concat.opType().equals("Concat") || concat.inputs().size() < n) {
            return null;
        }
        long[] out = new long[n];
        List<String> in = concat.inputs();
        for (int i = 0; i < n; i++) {
            Tensor t = graph.constantValue(in.get(in.size() - n + i)).orElse(null);
            if (t == null || t.dtype() != DType.INT64 || t.numel() != 1) {
                return null;
            }
            out[i] = t.longs()[0];
        }
        return out;
    }

    /** The value of {@code tensor} when it is a constant float vector of {@code length} entries; else null. */
    static Tensor floatVector(ModelGraph graph, String tensor, long length) {
        Tensor t = graph.constantValue(tensor).orElse(null);
        return t != null && t.dtype() == DType.FLOAT && t.rank() == 1 && t.numel() == length ? t : null;
    }
}
