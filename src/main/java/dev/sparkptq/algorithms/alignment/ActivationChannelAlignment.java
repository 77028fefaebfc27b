package dev.sparkptq.algorithms.alignment;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ChannelAlignment;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.InitializerValues;
import dev.sparkptq.plan.AlignmentPair;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * POT's ActivationChannelAlignment, DefaultQuantization's first step: for every {@link AlignmentPair} (Conv → Conv,
 * no nonlinearity between), the producer's output channels are re-centred and rescaled so that per-tensor
 * quantization of that activation wastes fewer levels, and the consumer absorbs the change so that the FP32 model
 * computes the same function.
 *
 * <p>Statistics (one pass over the calibration samples, only when some pair exists): per channel of the producer's
 * output, the quantiles {@code q = 1e-4} and {@code 1 − 1e-4} of each sample, aggregated by the median over samples.
 * With {@code lo, hi} per channel, {@code m = (lo + hi) / 2} and {@code r = hi − lo}:
 * <ol>
 *   <li>means (only when both Convs have a bias): {@code b_in −= m}, {@code b_out += Σ_c Σ_k W_out[:, c, k] · m[c]}
 *       — exact because the consumer has no padding, so every output position reads only real producer values;</li>
 *   <li>scales: {@code f = r / median(r over channels with r > 0)}, 1 where {@code r ≤ 0}, clipped to [0.01, 100];
 *       {@code W_in[c] /= f[c]}, {@code b_in[c] /= f[c]}, {@code W_out[:, c] *= f[c]}.</li>
 * </ol>
 * Pairs are applied in topological order to the current values, so a Conv that is the consumer of one pair and the
 * producer of the next composes both changes; each pair keeps its producer's output consumer-side function, so the
 * statistics of the next pair stay valid.
 */
public final class ActivationChannelAlignment implements Step {
    /** POT's outlier probability for the channel ranges. */
    static final double OUTLIER_PROB = 1e-4;
    static final double MIN_SCALE = 1e-2;
    static final double MAX_SCALE = 1e2;

    private final StepContext context;

    public ActivationChannelAlignment(StepContext context) {
        this.context = context;
    }

    /** The aligned model (the input itself when nothing was aligned) and what was changed. */
    record Outcome(OnnxMl.ModelProto model, List<RunReport.AlignedPair> aligned) {
    }

    @Override
    public String name() {
        return "channel_alignment";
    }

    @Override
    public boolean rewritesModel() {
        return true;
    }

    /** The channel ranges of every pair's activation; none when {@code activation_channel_alignment} is off. */
    @Override
    public StatisticsRequest statistics(ModelState state) {
        if (!enabled()) {
            return StatisticsRequest.NONE;
        }
        List<StatisticSpec> specs = new ArrayList<>();
        for (AlignmentPair p : AlignmentPair.find(state.graph())) {
            specs.add(low(p));
            specs.add(high(p));
        }
        return StatisticsRequest.of(specs);
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        List<AlignmentPair> pairs = enabled() ? AlignmentPair.find(state.graph()) : List.of();
        if (pairs.isEmpty()) {
            return state;
        }
        context.log().accept("activation channel alignment: " + pairs.size() + " Conv→Conv pairs");
        Map<String, double[][]> ranges = new HashMap<>();
        for (AlignmentPair p : pairs) {
            ranges.put(p.tensor(), new double[][]{statistics.get(low(p)).values(),
                    statistics.get(high(p)).values()});
        }
        Outcome o = apply(state.model(), state.graph(), pairs, ranges);
        if (o.aligned().isEmpty()) {
            return state;
        }
        RunReport.AdjustmentSummary a = state.section(RunReport.AdjustmentSummary.class).orElseThrow();
        return state.withModel(o.model()).withSection(a.withAligned(o.aligned()));
    }

    private boolean enabled() {
        return context.params().adjustments().channelAlignment() == ChannelAlignment.ON;
    }

    static StatisticSpec low(AlignmentPair p) {
        return new StatisticSpec(p.tensor(), PerSampleStat.QUANTILE, 1, Aggregation.MEDIAN, null, OUTLIER_PROB);
    }

    static StatisticSpec high(AlignmentPair p) {
        return new StatisticSpec(p.tensor(), PerSampleStat.QUANTILE, 1, Aggregation.MEDIAN, null, 1 - OUTLIER_PROB);
    }

    /**
     * Applies the pairs in order with the given channel ranges ({@code tensor → {lo[], hi[]}}); a pair whose range
     * length does not match the producer's output channels is left alone.
     */
    static Outcome apply(OnnxMl.ModelProto model, ModelGraph graph, List<AlignmentPair> pairs,
                         Map<String, double[][]> ranges) {
        Map<String, Tensor> values = new HashMap<>();
        List<RunReport.AlignedPair> aligned = new ArrayList<>();
        for (AlignmentPair p : pairs) {
            double[][] r = ranges.get(p.tensor());
            Tensor wIn = current(values, graph, p.weightIn());
            if (r == null || r[0].length != wIn.shape()[0]) {
                continue;
            }
            double[] mid = new double[r[0].length];
            double[] width = new double[r[0].length];
            for (int c = 0; c < mid.length; c++) {
                mid[c] = (r[0][c] + r[1][c]) / 2;
                width[c] = r[1][c] - r[0][c];
            }
            double maxShift = p.biasIn() != null && p.biasOut() != null ? shiftMeans(p, graph, values, mid) : 0;
            double[] f = scales(width);
            if (f != null) {
                rescale(p, graph, values, f);
            }
            aligned.add(new RunReport.AlignedPair(p.producer().name(), p.consumer().name(), mid.length, maxShift,
                    f == null ? 1 : Arrays.stream(f).min().orElse(1), f == null ? 1 : Arrays.stream(f).max().orElse(1)));
        }
        return new Outcome(InitializerValues.replace(model, values), aligned);
    }

    /** {@code b_in −= m}, {@code b_out += W_out · m} (kernel taps summed); returns {@code max |m|}. */
    private static double shiftMeans(AlignmentPair p, ModelGraph graph, Map<String, Tensor> values, double[] m) {
        Tensor bIn = current(values, graph, p.biasIn());
        Tensor wOut = current(values, graph, p.weightOut());
        Tensor bOut = current(values, graph, p.biasOut());
        float[] in = bIn.floats().clone();
        double max = 0;
        for (int c = 0; c < in.length; c++) {
            in[c] = (float) (in[c] - m[c]);
            max = Math.max(max, Math.abs(m[c]));
        }
        int oc = (int) wOut.shape()[0];
        int channels = m.length;
        int taps = (int) (wOut.numel() / ((long) oc * channels));
        float[] w = wOut.floats();
        float[] out = bOut.floats().clone();
        for (int o = 0; o < oc; o++) {
            double s = 0;
            for (int c = 0; c < channels; c++) {
                int base = (o * channels + c) * taps;
                for (int k = 0; k < taps; k++) {
                    s += w[base + k] * m[c];
                }
            }
            out[o] = (float) (out[o] + s);
        }
        values.put(p.biasIn(), Tensor.ofFloats(bIn.shape(), in));
        values.put(p.biasOut(), Tensor.ofFloats(bOut.shape(), out));
        return max;
    }

    /** POT's per-channel factors, or null when no channel has a positive range. */
    static double[] scales(double[] width) {
        double[] positive = Arrays.stream(width).filter(w -> w > 0).sorted().toArray();
        if (positive.length == 0) {
            return null;
        }
        int n = positive.length;
        double median = n % 2 == 1 ? positive[n / 2] : (positive[n / 2 - 1] + positive[n / 2]) / 2;
        double[] f = new double[width.length];
        for (int c = 0; c < f.length; c++) {
            double v = width[c] > 0 ? width[c] / median : 1;
            f[c] = Math.max(MIN_SCALE, Math.min(MAX_SCALE, v));
        }
        return f;
    }

    /** {@code W_in[c] /= f[c]}, {@code b_in[c] /= f[c]}, {@code W_out[:, c] *= f[c]}. */
    private static void rescale(AlignmentPair p, ModelGraph graph, Map<String, Tensor> values, double[] f) {
        Tensor wIn = current(values, graph, p.weightIn());
        float[] a = wIn.floats().clone();
        int per = a.length / f.length;
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (a[i] / f[i / per]);
        }
        values.put(p.weightIn(), Tensor.ofFloats(wIn.shape(), a));
        if (p.biasIn() != null) {
            Tensor bIn = current(values, graph, p.biasIn());
            float[] b = bIn.floats().clone();
            for (int c = 0; c < b.length; c++) {
                b[c] = (float) (b[c] / f[c]);
            }
            values.put(p.biasIn(), Tensor.ofFloats(bIn.shape(), b));
        }
        Tensor wOut = current(values, graph, p.weightOut());
        float[] w = wOut.floats().clone();
        int channels = f.length;
        int taps = (int) (w.length / (wOut.shape()[0] * channels));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] * f[(i / taps) % channels]);
        }
        values.put(p.weightOut(), Tensor.ofFloats(wOut.shape(), w));
    }

    private static Tensor current(Map<String, Tensor> values, ModelGraph graph, String name) {
        Tensor t = values.get(name);
        return t != null ? t : graph.constantValue(name).orElseThrow();
    }
}
