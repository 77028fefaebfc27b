package dev.sparkptq.plan;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;
import dev.sparkptq.graph.edit.GraphEdit;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves attention's value bias into the output projection's bias, exactly: every softmax row sums to 1, so
 * {@code P·(V + 1·b_v) = P·V + b_v}, and {@code (P·V + b_v)·W_o + b_o = (P·V)·W_o + (b_v·W_o + b_o)}. The value
 * bias Add goes away (one node per attention block less to run; ONNX Runtime's quantized MatMul kernels do not absorb
 * bias Adds) and {@code b_o} becomes {@code b_o + b_v·W_o}. Matched on the path {@link AttentionValueFold} documents,
 * with the mixing MatMul's left operand a Softmax over the last axis and the projection {@code MatMul(context, W_o)}
 * followed by {@code Add(b_o)}.
 */
public final class ValueBiasMove {
    private ValueBiasMove() {
    }

    /** The bypass of each value-bias Add and the new output-projection bias. */
    public static List<GraphEdit> edits(ModelGraph graph) {
        List<GraphEdit> out = new ArrayList<>();
        for (Node projection : graph.nodes()) {
            if (!projection.opType().equals("MatMul") || !projection.isDefaultDomain()) {
                continue;
            }
            Tensor wo = graph.constantValue(projection.inputs().get(1)).orElse(null);
            if (wo == null || wo.dtype() != DType.FLOAT || wo.rank() != 2 || graph.isConstant(projection.inputs().get(0))) {
                continue;
            }
            AttentionValueFold.Path path = AttentionValueFold.path(graph, projection.inputs().get(0), (int) wo.dim(0));
            Node oBias = onlyReader(graph, projection.outputs().get(0));
            if (path == null || path.bias() == null || oBias == null || !oBias.opType().equals("Add")
                    || !AttentionPaths.isLastAxisSoftmax(graph, graph.producer(path.mix().inputs().get(0)))) {
                continue;
            }
            int ob = oBias.inputs().get(0).equals(projection.outputs().get(0)) ? 1 : 0;
            Tensor bo = graph.constantValue(oBias.inputs().get(ob)).orElse(null);
            if (bo == null || bo.dtype() != DType.FLOAT || bo.rank() != 1 || bo.numel() != wo.dim(1)) {
                continue;
            }
            out.add(new GraphEdit.BypassNode(path.bias().name(), 1 - path.biasInput()));
            out.add(new GraphEdit.ReplaceConstantInput(oBias.name(), ob, shifted(bo, path.biasValue(), wo)));
        }
        return out;
    }

    /** {@code b_o + b_v·W_o}, accumulated in double. */
    private static Tensor shifted(Tensor bo, Tensor bv, Tensor wo) {
        float[] o = bo.floats();
        float[] v = bv.floats();
        float[] w = wo.floats();
        int n = o.length;
        float[] out = new float[n];
        for (int c = 0; c < n; c++) {
            double sum = o[c];
            for (int k = 0; k < v.length; k++) {
                sum += (double) v[k] * w[k * n + c];
            }
            out[c] = (float) sum;
        }
        return Tensor.ofFloats(bo.shape(), out);
    }

    private static Node onlyReader(ModelGraph graph, String tensor) {
        List<Use> uses = graph.consumers(tensor);
        return uses.size() == 1 && !graph.isGraphOutput(tensor) ? uses.get(0).node() : null;
    }
}
