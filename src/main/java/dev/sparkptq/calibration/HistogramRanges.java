package dev.sparkptq.calibration;

import dev.sparkptq.config.HistogramEstimatorSpec;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.HistogramSpec;

/**
 * Activation ranges chosen on a histogram ({@code "preset": "histogram"}): what the statistics pass must count, and
 * the range each method picks from the counts.
 *
 * <p>What is counted:
 * <ul>
 *   <li>symmetric schemes: {@code |x|} from 0 — a symmetric range depends on magnitudes only, and this gives twice
 *       the resolution of {@code x} over {@code [-m, m]}; the result is {@code [-t, t]} when the tensor has negative
 *       values (signed levels), else {@code [0, t]};</li>
 *   <li>asymmetric schemes: {@code x} over an interval that encloses 0; the result {@code [a, b]} always encloses
 *       0 (so zero stays exactly representable).</li>
 * </ul>
 * Edges ({@link HistogramEstimatorSpec.Edges}): {@code grid} (default) counts in the one statistics pass, on
 * power-of-two bins anchored at 0 ({@link #gridSpec}; between {@code bins + 1} and {@code 2 × bins} populated bins,
 * so at least the configured resolution); {@code extremes} counts in a second pass over the first pass's exact
 * extremes {@code [0, max(|min|, |max|)]} or {@code [min(min, 0), max(max, 0)]} in exactly {@code bins} bins
 * ({@link #histogramSpec}). Both give a {@link Histogram} with 0 on an edge or inside, so the methods below are the
 * same for both. The grid histogram ends on grid edges at most one bin beyond the extremes (its populated bins);
 * trimming further to the exact extremes would make the last bin narrower than the others, which the methods'
 * equal-width model does not describe, and it gains less than one bin of resolution.
 *
 * <p>How far the two edge choices' ranges are apart (tested on seeded data in {@code GridHistogramRangesTest}):
 * {@code mse} and {@code percentile} within two bin widths of the coarser histogram (each answer is an edge, or an
 * interpolation inside a bin, of its own histogram; on smooth error curves both land next to the same optimum);
 * {@code kl} within the spread of the two-pass thresholds over {@code bins..2 × bins} bins, plus two bins — KL groups
 * bins into levels, so its threshold moves with the bin count itself (measured: 13 % on a Gaussian between 2048 and
 * 3500 fixed bins).
 *
 * <p>Methods ({@link HistogramEstimatorSpec.Method}): {@code mse} ({@link HistogramMse}), {@code kl}
 * ({@link HistogramKl}), {@code percentile} ({@link HistogramPercentile}: of {@code |x|} for symmetric schemes,
 * two-sided with half the tail on each side for asymmetric ones). Level counts are those
 * {@link QuantParamsCalculator} will use for the range (e.g. 127 steps of magnitude for signed 8-bit symmetric,
 * 255 for unsigned or asymmetric).
 */
public final class HistogramRanges {

    private HistogramRanges() {
    }

    /** True when {@code spec}'s range comes from a histogram. */
    public static boolean applies(TensorQuantSpec spec) {
        return spec.rangeEstimator() != null && spec.rangeEstimator().histogram() != null;
    }

    /**
     * Checks, before any pass runs, what the config alone cannot: per-tensor granularity (repeated here for specs
     * built in code) and, for {@code kl}, {@link HistogramEstimatorSpec#KL_BINS_PER_LEVEL} bins per quantization
     * level in the widest case (unsigned or asymmetric levels).
     */
    public static void validate(String tensor, TensorQuantSpec spec) {
        HistogramEstimatorSpec h = histogram(tensor, spec);
        if (spec.granularity() != Granularity.PER_TENSOR) {
            throw new ConfigException("activation '" + tensor + "': histogram ranges are per tensor, but its "
                    + "granularity is perchannel; set activations.granularity to pertensor or use preset default");
        }
        if (h.method() == HistogramEstimatorSpec.Method.KL) {
            int levels = klLevels(spec, Levels.of(spec, Levels.Kind.UNSIGNED));
            long needed = HistogramEstimatorSpec.minKlBins(levels);
            if (needed > h.bins()) {
                throw new ConfigException("activation '" + tensor + "': histogram method kl with " + levels
                        + " quantization levels needs at least " + needed + " bins, got " + h.bins()
                        + "; raise histogram.bins (max " + HistogramEstimatorSpec.MAX_BINS + ") or use method mse");
            }
        }
    }

    /** True when {@code spec}'s histogram is counted in the one statistics pass ({@code edges: grid}). */
    public static boolean onePass(TensorQuantSpec spec) {
        return applies(spec) && spec.rangeEstimator().histogram().edges() == HistogramEstimatorSpec.Edges.GRID;
    }

    /**
     * What the one statistics pass counts for this tensor ({@code edges: grid}): magnitudes for symmetric schemes,
     * values otherwise, on a grid of at most {@code 2 × bins} bins.
     */
    public static HistogramSpec gridSpec(String tensor, TensorQuantSpec spec) {
        int bins = histogram(tensor, spec).bins();
        HistogramSpec.Domain domain = spec.mode() == QuantScheme.SYMMETRIC ? HistogramSpec.Domain.MAGNITUDES
                : HistogramSpec.Domain.VALUES;
        return HistogramSpec.grid(tensor, domain, 2 * bins);
    }

    /** What pass 2 counts for this tensor, from its pass-1 extremes ({@code edges: extremes}). */
    public static HistogramSpec histogramSpec(String tensor, TensorQuantSpec spec, Range extremes) {
        int bins = histogram(tensor, spec).bins();
        if (spec.mode() == QuantScheme.SYMMETRIC) {
            double m = Math.max(Math.abs(extremes.min(0)), Math.abs(extremes.max(0)));
            return new HistogramSpec(tensor, HistogramSpec.Domain.MAGNITUDES, 0.0, m, bins);
        }
        return new HistogramSpec(tensor, HistogramSpec.Domain.VALUES, Math.min(extremes.min(0), 0.0),
                Math.max(extremes.max(0), 0.0), bins);
    }

    /**
     * The range {@code spec}'s method picks on {@code h}.
     *
     * @param extremes the tensor's exact extremes as a range (it decides signedness, and is the answer for an
     *                 all-zero histogram)
     * @param h        the histogram built from {@link #gridSpec} or {@link #histogramSpec}
     */
    public static Range range(String tensor, TensorQuantSpec spec, Range extremes, Histogram h) {
        return range(tensor, spec, extremes, h, ConsumerFunction.IDENTITY, null);
    }

    /**
     * The range for a tensor whose readers all apply {@code f}: on a value histogram (asymmetric levels) with
     * {@code f} not the identity, the window minimising the error of {@code f(x)} ({@link HistogramFunctionMse})
     * whatever the method — {@code kl} and {@code percentile} describe the shape of {@code x}, which no reader sees.
     * Magnitude histograms (symmetric levels) cannot evaluate a non-odd {@code f} and use the method as configured.
     *
     * @param outputClip the range the readers' result is quantized to next (their output's quantizer), or null
     */
    public static Range range(String tensor, TensorQuantSpec spec, Range extremes, Histogram h,
                              ConsumerFunction f, Range outputClip) {
        HistogramEstimatorSpec est = histogram(tensor, spec);
        if (h.total() == 0) {
            throw new DataException("the histogram of activation '" + tensor + "' counted no finite value; check the"
                    + " input data");
        }
        boolean everything = est.method() == HistogramEstimatorSpec.Method.PERCENTILE && est.percentile() >= 100;
        if (!(h.high() > h.low()) || everything) {
            return extremes; // a constant tensor, or 100 % of the values: the extremes are the answer
        }
        boolean signed = extremes.min(0) < 0;
        if (h.domain() == HistogramSpec.Domain.MAGNITUDES) {
            Levels levels = Levels.of(spec, signed ? Levels.Kind.SIGNED : Levels.Kind.UNSIGNED);
            double t = magnitude(est, h, levels);
            return signed ? Range.of(-t, t) : Range.of(0.0, t);
        }
        Levels levels = Levels.of(spec, Levels.Kind.UNSIGNED);
        double[] ab = f == ConsumerFunction.IDENTITY ? window(est, h, levels) : functionWindow(f, outputClip, h, levels);
        return Range.of(Math.min(ab[0], 0.0), Math.max(ab[1], 0.0));
    }

    private static double magnitude(HistogramEstimatorSpec est, Histogram h, Levels levels) {
        return switch (est.method()) {
            case MSE -> h.edge(HistogramMse.magnitudes(h, Math.max(1, levels.high())).hi());
            case KL -> h.edge(HistogramKl.magnitudes(h, Math.max(1, levels.high()) + 1).hi());
            case PERCENTILE -> HistogramPercentile.quantile(h, est.percentile() / 100);
        };
    }

    /** {a, b} for a value histogram; its windows keep {@code edge(i) <= 0 <= edge(j)}. */
    private static double[] window(HistogramEstimatorSpec est, Histogram h, Levels levels) {
        if (est.method() == HistogramEstimatorSpec.Method.PERCENTILE) {
            double tail = (1 - est.percentile() / 100) / 2;
            return new double[] {HistogramPercentile.quantile(h, tail), HistogramPercentile.quantile(h, 1 - tail)};
        }
        int iMax = lastEdgeBelowZero(h);
        int jMin = firstEdgeAboveZero(h, iMax);
        int steps = levels.high() - levels.low();
        HistogramWindow w = est.method() == HistogramEstimatorSpec.Method.MSE
                ? HistogramMse.values(h, steps, iMax, jMin)
                : HistogramKl.values(h, klLevels(steps), iMax, jMin);
        if (w == null) {
            throw new InternalException("no histogram window of " + klLevels(steps) + " bins encloses 0 in " + h
                    + "; validate() must have refused this bin count");
        }
        return new double[] {h.edge(w.lo()), h.edge(w.hi())};
    }

    private static double[] functionWindow(ConsumerFunction f, Range clip, Histogram h, Levels levels) {
        int iMax = lastEdgeBelowZero(h);
        HistogramWindow w = HistogramFunctionMse.values(h, f, clip, levels.high() - levels.low(), iMax,
                firstEdgeAboveZero(h, iMax));
        return new double[] {h.edge(w.lo()), h.edge(w.hi())};
    }

    /** The largest lower-edge index a window enclosing 0 may start at. */
    private static int lastEdgeBelowZero(Histogram h) {
        return (int) Math.max(0, Math.min(h.bins() - 1, Math.floor(-h.low() / h.width())));
    }

    /** The smallest upper-edge index a window enclosing 0 and starting at or before {@code iMax} may end at. */
    private static int firstEdgeAboveZero(Histogram h, int iMax) {
        return (int) Math.max(iMax + 1, Math.min(h.bins(), Math.ceil(-h.low() / h.width())));
    }

    private static int klLevels(int steps) {
        return steps + 1;
    }

    private static int klLevels(TensorQuantSpec spec, Levels unsigned) {
        return klLevels(spec.mode() == QuantScheme.SYMMETRIC ? unsigned.high() : unsigned.high() - unsigned.low());
    }

    private static HistogramEstimatorSpec histogram(String tensor, TensorQuantSpec spec) {
        if (!applies(spec)) {
            throw new InternalException("activation '" + tensor + "' has no histogram estimator; check "
                    + "HistogramRanges.applies first");
        }
        return spec.rangeEstimator().histogram();
    }
}
