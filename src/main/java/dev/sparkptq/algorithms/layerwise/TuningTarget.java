package dev.sparkptq.algorithms.layerwise;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.QuantizerParameters;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.stats.GramSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * One weight layer-wise tuning can change: a Conv, MatMul or Gemm whose weight (input 1) is a FLOAT initializer read
 * by that op alone, with its quantizer's parameters and how its input is cut into the vectors of {@code H}. The
 * weight is viewed as one row of {@code dim} values per output channel, in the order of H's rows:
 * <pre>
 *   Conv  W[OC, C/g, k..]   row c = W[c, :, ...] (contiguous)     H per group of OC/g channels
 *   MatMul / Gemm W[K, N]   row n = W[:, n]                         one H over the K features
 *   Gemm transB W[N, K]     row n = W[n, :]
 * </pre>
 *
 * @param rowsAreColumns true when a row is a column of a {@code [K, N]} weight
 */
record TuningTarget(QuantizationPoint point, Node node, Tensor weight, QuantParams params, GramSpec gram,
                    int channels, boolean rowsAreColumns) {

    /**
     * Layers whose input dimension (per group) exceeds this are skipped: H, H̃ and C would take more than 64 MiB per
     * task (2·d² doubles).
     */
    static final int MAX_DIM = 2048;

    /** The targets of a plan, and the weights left alone with the reason. */
    record Selection(List<TuningTarget> targets, List<RunReport.SkippedLayer> skipped) {
    }

    /**
     * @param positions input dimension (per group) → positions/rows to count per sample
     */
    static Selection select(QuantizationPlan plan, ModelGraph graph, QuantizerParameters qparams,
                            java.util.function.IntUnaryOperator positions) {
        List<TuningTarget> targets = new ArrayList<>();
        List<RunReport.SkippedLayer> skipped = new ArrayList<>();
        for (QuantizationPoint p : plan.weights()) {
            if (p.tiedTo() != null || p.consumers().size() != 1 || p.consumers().get(0).inputIndex() != 1) {
                continue; // not a layer's own weight input
            }
            Node node = graph.node(p.consumers().get(0).node()).orElse(null);
            if (node == null || !node.isDefaultDomain()
                    || !List.of("Conv", "MatMul", "Gemm").contains(node.opType())) {
                continue;
            }
            String why = reason(p, node, graph, qparams);
            TuningTarget t = why == null ? of(p, node, graph, qparams.params().get(p.id()),
                    positions) : null;
            if (t == null) {
                skipped.add(new RunReport.SkippedLayer(node.name(), p.tensor(), why != null ? why
                        : "weight layout not supported (MatMul weights must be 2-D; Gemm without transA)"));
            } else if (t.gram.dim() > MAX_DIM) {
                skipped.add(new RunReport.SkippedLayer(node.name(), p.tensor(), "input dimension " + t.gram.dim()
                        + " per group exceeds " + MAX_DIM + " (H, H̃ and C would exceed 64 MiB)"));
            } else {
                targets.add(t);
            }
        }
        return new Selection(targets, skipped);
    }

    private static String reason(QuantizationPoint p, Node node, ModelGraph graph, QuantizerParameters qparams) {
        Tensor w = graph.constantValue(p.tensor()).orElse(null);
        if (p.constantNode() || !graph.isInitializer(p.tensor()) || w == null || w.dtype() != DType.FLOAT) {
            return "weight is not an FP32 initializer";
        }
        if (graph.consumers(p.tensor()).size() != 1) {
            return "weight is shared with other nodes";
        }
        if (qparams.params().get(p.id()) == null) {
            return "no quantizer parameters";
        }
        return null;
    }

    private static TuningTarget of(QuantizationPoint p, Node node, ModelGraph graph, QuantParams q,
                                   java.util.function.IntUnaryOperator positions) {
        Tensor w = graph.constantValue(p.tensor()).orElseThrow();
        long[] s = w.shape();
        String input = node.inputs().get(0);
        if (node.opType().equals("Conv")) {
            if (s.length < 3 || (q.perChannel() && q.axis() != 0)) {
                return null;
            }
            int group = (int) node.intAttr("group", 1);
            int oc = (int) s[0];
            int dim = (int) (w.numel() / oc);
            int n = s.length - 2;
            long[] kernel = java.util.Arrays.copyOfRange(s, 2, s.length);
            GramSpec spec = new GramSpec(input, GramSpec.Layout.PATCHES, dim, group, kernel,
                    attr(node, "strides", n, 1), attr(node, "dilations", n, 1), attr(node, "pads", 2 * n, 0),
                    node.stringAttr("auto_pad", "NOTSET"), positions.applyAsInt(dim), null);
            return oc % group == 0 ? new TuningTarget(p, node, w, q, spec, oc, false) : null;
        }
        boolean transB = node.opType().equals("Gemm") && node.intAttr("transB", 0) == 1;
        if (s.length != 2 || (node.opType().equals("Gemm") && node.intAttr("transA", 0) != 0)) {
            return null;
        }
        int outAxis = transB ? 0 : 1;
        if (q.perChannel() && q.axis() != outAxis) {
            return null;
        }
        int k = (int) s[1 - outAxis];
        return new TuningTarget(p, node, w, q, GramSpec.rows(input, k, positions.applyAsInt(k), null), (int) s[outAxis], !transB);
    }

    private static long[] attr(Node node, String name, int length, long dflt) {
        long[] v = node.intsAttr(name);
        if (v != null && v.length == length) {
            return v;
        }
        long[] out = new long[length];
        java.util.Arrays.fill(out, dflt);
        return out;
    }

    int dim() {
        return gram.dim();
    }

    /** Output channel → its weights, in H's order. */
    float[][] rows() {
        float[] v = weight.floats();
        float[][] rows = new float[channels][dim()];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < dim(); i++) {
                rows[c][i] = v[index(c, i)];
            }
        }
        return rows;
    }

    /** The weight tensor with each element replaced by {@code values[c][i]} (the inverse of {@link #rows}). */
    Tensor withRows(float[][] values) {
        float[] v = new float[weight.floats().length];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < dim(); i++) {
                v[index(c, i)] = values[c][i];
            }
        }
        return Tensor.ofFloats(weight.shape(), v);
    }

    /** The scale per output channel (a per-tensor scale repeated). */
    float[] channelScales() {
        float[] s = params.scale();
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = s[params.perChannel() ? c : 0];
        }
        return out;
    }

    int[] channelZeroPoints() {
        int[] z = params.zeroPoint();
        int[] out = new int[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = z[params.perChannel() ? c : 0];
        }
        return out;
    }

    private int index(int c, int i) {
        return rowsAreColumns ? i * channels + c : c * dim() + i;
    }
}
