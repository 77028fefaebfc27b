package dev.sparkptq.algorithms.equalization;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cross-layer equalization of every {@link Link} of a model: the pure API (statistics in, equalized model and a
 * summary out; no inference here).
 *
 * <p>Two criteria pick the per-channel factors {@code s_c} (see {@link Criterion}); both rescale only, so the FP32
 * function is kept up to float rounding. With {@link Criterion#ACTIVATIONS} a link whose consumer reads the producer
 * directly (no op between, no padding in the consumer) is first <em>centred</em>: the producer's bias absorbs each
 * channel's mid-range {@code m_c} and the consumer's bias gets {@code Σ_k W2[:, c, k]·m_c} back — exact, because every
 * consumer output position reads only real producer values (Nagel's bias absorption, restricted to where it is
 * exact; through a Relu it would change the function for inputs below the estimated bound).
 *
 * <p>Factors are applied to the current values link by link in topological order, and the sweep repeats until no
 * factor moves by more than {@link #TOLERANCE} (at most {@link #MAX_SWEEPS} times): a Conv that is the consumer of one
 * link and the producer of the next — the depthwise Conv of Conv → dw → Conv — is balanced against both neighbours, as
 * Nagel's iterated pairwise scaling does. Each link changes only its own activation (the consumer's output is
 * unchanged), so the statistics of every other link stay valid.
 */
public final class CrossLayerEqualization {
    /** Largest change of a factor (as {@code |ln s|}) at which the sweeps stop. */
    static final double TOLERANCE = 1e-3;
    static final int MAX_SWEEPS = 50;
    /** Factors are kept within [1/LIMIT, LIMIT] per sweep, as POT's channel alignment clips to [0.01, 100]. */
    static final double LIMIT = 100;

    private CrossLayerEqualization() {
    }

    /** How the factors are chosen. */
    public enum Criterion {
        /**
         * Data-free (Nagel et al.): {@code s_c = sqrt(r1_c / r2_c)} with {@code r1_c = max|W1[c]|} and
         * {@code r2_c = max|W2[:, c]|}, after which both ranges are {@code sqrt(r1_c · r2_c)}.
         */
        WEIGHTS,
        /**
         * From calibration statistics: each channel's activation range {@code a_c} (after centring) replaces
         * {@code r1_c}. Into a depthwise consumer, whose per-channel weight quantization absorbs any factor, the
         * activation is evened out completely ({@code s_c = a_c / geomean(a)}); into a dense consumer the activation
         * and the consumer's input columns meet half way ({@code s_c ∝ sqrt(a_c / r2_c)}, normalised to geometric
         * mean 1).
         */
        ACTIVATIONS
    }

    /** What equalization did to one link. */
    public record Equalized(String producer, String consumer, int channels, double minFactor, double maxFactor,
                            double spreadBefore, double spreadAfter, double maxShift) {
    }

    /** The equalized model and a summary per link. */
    public record Result(OnnxMl.ModelProto model, List<Equalized> links) {
        public Result {
            links = List.copyOf(links);
        }
    }

    /**
     * The statistics {@link Criterion#ACTIVATIONS} needs (none for {@link Criterion#WEIGHTS}): per channel (axis 1)
     * of each link's activation, the mean over samples of the per-sample min and of the per-sample max.
     */
    public static List<StatisticSpec> statistics(List<Link> links, Criterion criterion) {
        List<StatisticSpec> out = new ArrayList<>();
        if (criterion == Criterion.ACTIVATIONS) {
            for (Link l : links) {
                out.add(low(l));
                out.add(high(l));
            }
        }
        return out;
    }

    static StatisticSpec low(Link l) {
        return new StatisticSpec(l.activation(), PerSampleStat.MIN, 1, Aggregation.MEAN, null, null);
    }

    static StatisticSpec high(Link l) {
        return new StatisticSpec(l.activation(), PerSampleStat.MAX, 1, Aggregation.MEAN, null, null);
    }

    /**
     * Equalizes {@code links} (from {@link Link#find} on {@code model}'s graph).
     *
     * @param stats at least {@link #statistics} of the links, for {@link Criterion#ACTIVATIONS}
     */
    public static Result apply(OnnxMl.ModelProto model, List<Link> links, Criterion criterion,
                               Map<StatisticSpec, StatResult> stats) {
        if (links.isEmpty()) {
            return new Result(model, List.of());
        }
        ModelGraph graph = ModelGraph.of(model);
        LayerValues values = new LayerValues(graph);
        List<LinkState> states = new ArrayList<>();
        for (Link l : links) {
            LinkState s = new LinkState(l, criterion == Criterion.ACTIVATIONS ? ranges(l, stats) : null);
            if (criterion == Criterion.ACTIVATIONS && l.linear() && l.consumerUnpadded()) {
                s.centre(values);
            }
            states.add(s);
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double moved = 0;
            for (LinkState s : states) {
                moved = Math.max(moved, s.scale(values));
            }
            if (moved < TOLERANCE) {
                break;
            }
        }
        List<Equalized> summary = states.stream().map(s -> s.summary(values)).toList();
        return new Result(values.write(model), summary);
    }

    private static double[][] ranges(Link l, Map<StatisticSpec, StatResult> stats) {
        StatResult lo = stats.get(low(l));
        StatResult hi = stats.get(high(l));
        if (lo == null || hi == null) {
            throw new InternalException("cross-layer equalization needs the channel ranges of '" + l.activation()
                    + "'; collect CrossLayerEqualization.statistics first");
        }
        double[] a = lo.values();
        double[] b = hi.values();
        if (a.length != l.channels() || b.length != l.channels()) {
            throw new InternalException("channel ranges of '" + l.activation() + "' have " + a.length + " values, "
                    + "the link has " + l.channels() + " channels");
        }
        return new double[][]{a, b};
    }
}
