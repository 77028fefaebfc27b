package dev.sparkptq.algorithms.biascorrection;

import dev.sparkptq.config.BiasCorrectionSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.QuantizerParameters;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POT's/NNCF's FastBiasCorrection, the last step of DefaultQuantization: for every {@link BiasTarget}, the quantized
 * op (its quantized weights) is fed its FP32 per-channel input means; the
 * difference {@code shift = fp32_out_mean - q_out_mean} per output channel is added to the bias when
 * {@code max |shift / bias| < threshold} (a bias with a zero element never passes) or always with
 * {@code apply_for_all_nodes}. The quantized op's output mean is computed in closed form ({@link BiasShift}), border
 * padding included, instead of running the op. Biases stay FP32 initializers; only their values change.
 *
 * <p>The means enter the op as they are, not through its input quantizer: NNCF's ONNX backend extracts the sub-model
 * from the op's own input edge, which in the Q/DQ graph is downstream of the DequantizeLinear. Rounding a mean to the
 * activation grid would add a systematic error that real, spread-out activations average away; measured on YOLOX-nano
 * it turned a gain (cosine 0.9196 → 0.9252) into a loss (→ 0.9115).
 */
final class FastBiasCorrection {
    private FastBiasCorrection() {
    }

    /**
     * @param biases  bias initializer → corrected value (same shape and type as before)
     * @param summary what was corrected and skipped, for report.json
     */
    record Outcome(Map<String, Tensor> biases, RunReport.BiasCorrectionSummary summary) {
    }

    static Outcome run(List<BiasTarget> targets, ModelGraph graph, QuantizationPlan plan, QuantizerParameters qparams,
                       Map<StatisticSpec, StatResult> stats, BiasCorrectionSpec spec) {
        Map<String, Tensor> biases = new LinkedHashMap<>();
        List<RunReport.BiasEntry> corrected = new ArrayList<>();
        List<RunReport.BiasEntry> skipped = new ArrayList<>();
        for (BiasTarget t : targets) {
            Tensor bias = graph.constantValue(t.bias()).orElse(null);
            Shift s = shift(t, graph, plan, qparams, stats, bias);
            if (s.reason() != null) {
                skipped.add(new RunReport.BiasEntry(t.node().name(), t.bias(), null, Double.NaN, s.reason()));
                continue;
            }
            double magnitude = BiasShift.magnitude(s.bias(), s.shift());
            Double shown = Double.isFinite(magnitude) ? magnitude : null;
            double maxShift = maxAbs(s.shift());
            if (spec.applyForAllNodes() || magnitude < spec.threshold()) {
                biases.put(t.bias(), corrected(bias, s));
                corrected.add(new RunReport.BiasEntry(t.node().name(), t.bias(), shown, maxShift, null));
            } else {
                skipped.add(new RunReport.BiasEntry(t.node().name(), t.bias(), shown, maxShift,
                        "relative shift " + (shown == null ? "infinite (a bias element is zero)" : shown)
                                + " is not below threshold " + spec.threshold()));
            }
        }
        return new Outcome(biases, new RunReport.BiasCorrectionSummary("fast", spec.threshold(),
                spec.applyForAllNodes(), targets.size(), corrected, skipped));
    }

    /**
     * The per-channel shift of one target, or the reason it cannot be computed.
     *
     * @param bias   effective bias per output channel ({@code beta · C} for Gemm)
     * @param shift  {@code fp32_out_mean - q_out_mean}
     * @param scale  how a change of the effective bias maps to the stored one ({@code 1 / beta} for Gemm, else 1)
     */
    record Shift(double[] bias, double[] shift, double scale, String reason) {
        static Shift skip(String reason) {
            return new Shift(null, null, 1, reason);
        }
    }

    static Shift shift(BiasTarget t, ModelGraph graph, QuantizationPlan plan, QuantizerParameters qparams,
                       Map<StatisticSpec, StatResult> stats, Tensor bias) {
        StatResult in = stats.get(BiasTarget.inputMean(t));
        StatResult out = stats.get(BiasTarget.outputMean(t));
        if (in == null || out == null || !finite(in.values()) || !finite(out.values())) {
            return Shift.skip("no finite FP32 mean of its input or output");
        }
        Tensor w = graph.constantValue(t.weight()).orElse(null);
        if (w == null || w.dtype() != DType.FLOAT || bias == null || bias.dtype() != DType.FLOAT) {
            return Shift.skip("weight or bias is not an FP32 constant");
        }
        double[] means = in.values();
        float[] weights = fakeQuant(w, params(plan, qparams, t.node(), 1));
        if (t.node().opType().equals("MatMul")) {
            return matMulShift(w.shape(), weights, means, bias, out);
        }
        return t.node().opType().equals("Conv")
                ? convShift(t, inputShape(t, graph, w.rank(), in.length(), stats), w.shape(), weights, means, bias, out)
                : gemmShift(t.node(), w.shape(), weights, means, bias, out);
    }

    /**
     * The Conv input's shape: as the model declares it, else {@code [1, C, ...]} with each spatial size read from the
     * length of the spatial-extent statistic; null when neither is known.
     */
    private static long[] inputShape(BiasTarget t, ModelGraph graph, int rank, int channels,
                                     Map<StatisticSpec, StatResult> stats) {
        if (BiasTarget.spatialShapeKnown(t, graph)) {
            return graph.info(t.input()).map(i -> i.shape()).orElse(null);
        }
        long[] shape = new long[rank];
        shape[0] = 1;
        shape[1] = channels;
        for (int axis = 2; axis < rank; axis++) {
            StatResult r = stats.get(BiasTarget.spatialExtent(t, axis));
            if (r == null) {
                return null;
            }
            shape[axis] = r.length();
        }
        return shape;
    }

    private static Shift convShift(BiasTarget t, long[] inShape, long[] wShape, float[] weights, double[] means,
                                   Tensor bias, StatResult out) {
        int oc = (int) wShape[0];
        int group = (int) t.node().intAttr("group", 1);
        if (inShape == null || inShape.length != wShape.length || bias.numel() != oc || out.length() != oc
                || means.length != inShape[1] || wShape[1] * group != inShape[1]) {
            return Shift.skip("input shape unknown or inconsistent with the weights");
        }
        BiasShift.Axis[] axes = ConvAxes.of(t.node(), inShape, wShape);
        if (axes == null) {
            return Shift.skip("spatial input shape unknown");
        }
        double[] b = toDoubles(bias.floats());
        double[] q = BiasShift.conv(weights, oc, group, means, b, axes);
        return new Shift(b, minus(out.values(), q), 1, null);
    }

    private static Shift gemmShift(Node n, long[] wShape, float[] weights, double[] means, Tensor bias,
                                   StatResult out) {
        boolean transB = n.intAttr("transB", 0) == 1;
        int k = (int) wShape[transB ? 1 : 0];
        int cols = (int) wShape[transB ? 0 : 1];
        double alpha = n.floatAttr("alpha", 1f);
        double beta = n.floatAttr("beta", 1f);
        if (wShape.length != 2 || means.length != k || bias.numel() != cols || out.length() != cols || beta == 0) {
            return Shift.skip("Gemm bias is not one value per output column, or beta is 0");
        }
        double[] b = toDoubles(bias.floats());
        for (int i = 0; i < b.length; i++) {
            b[i] *= beta;
        }
        double[] q = BiasShift.gemm(weights, k, cols, transB, alpha, means, b);
        return new Shift(b, minus(out.values(), q), 1 / beta, null);
    }

    /** MatMul by {@code B [K, N]} then Add of {@code bias [N]}: a Gemm with alpha = beta = 1 and no transpose. */
    private static Shift matMulShift(long[] wShape, float[] weights, double[] means, Tensor bias, StatResult out) {
        int k = (int) wShape[0];
        int cols = (int) wShape[1];
        if (means.length != k || bias.numel() != cols || out.length() != cols) {
            return Shift.skip("MatMul input or Add output channels do not match the weights");
        }
        double[] b = toDoubles(bias.floats());
        return new Shift(b, minus(out.values(), BiasShift.gemm(weights, k, cols, false, 1, means, b)), 1, null);
    }

    /** The quantizer parameters on {@code node}'s input {@code index}, or null when that input stays float. */
    private static QuantParams params(QuantizationPlan plan, QuantizerParameters qparams, Node node, int index) {
        InputRef ref = new InputRef(node.name(), index);
        for (QuantizationPoint p : plan.points()) {
            if (p.consumers().contains(ref)) {
                return qparams.params().get(p.id());
            }
        }
        return null;
    }

    /** Q then DQ of a weight tensor along the parameters' axis. */
    static float[] fakeQuant(Tensor w, QuantParams q) {
        float[] v = w.floats().clone();
        if (q == null) {
            return v;
        }
        float[] s = q.scale();
        int[] z = q.zeroPoint();
        long[] shape = w.shape();
        long inner = 1;
        for (int d = q.axis() + 1; q.perChannel() && d < shape.length; d++) {
            inner *= shape[d];
        }
        long dim = q.perChannel() ? shape[q.axis()] : 1;
        for (int i = 0; i < v.length; i++) {
            int c = q.perChannel() ? (int) ((i / inner) % dim) : 0;
            v[i] = QuantMath.dequantize(QuantMath.quantize(v[i], s[c], z[c], q.levelLow(), q.levelHigh()), s[c], z[c]);
        }
        return v;
    }

    private static Tensor corrected(Tensor bias, Shift s) {
        float[] v = bias.floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] + s.shift()[i] * s.scale());
        }
        return Tensor.ofFloats(bias.shape(), v);
    }

    private static boolean finite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return v.length > 0;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
