package dev.sparkptq.config;

import java.io.Serializable;

/**
 * The {@code histogram} block of {@code range_estimator} with {@code "preset": "histogram"}: an activation's range
 * is chosen on a histogram of every activation value, not from per-sample extremes. By default
 * ({@link Edges#GRID}) the histogram is counted in the same statistics pass as everything else, on power-of-two bins
 * anchored at 0 that coarsen as the data grow; {@link Edges#EXTREMES} keeps the earlier design, a second pass with
 * {@code bins} equal bins over the extremes found by the first (twice the inference, same resolution).
 *
 * <p>Rules (checked when the config is bound, before any job runs):
 * <ul>
 *   <li>{@code bins} in {@value #MIN_BINS}..{@value #MAX_BINS}; default {@value #DEFAULT_BINS}, as ORT's Percentile
 *       and TensorRT's entropy calibration.</li>
 *   <li>{@code kl} needs at least {@value #KL_BINS_PER_LEVEL} bins per quantization level of the scheme
 *       ({@code 2^bits}, or {@code level_high − level_low + 1}): 2048 for 8 bits, so 16-bit activations cannot use
 *       it. KL compares the histogram with its quantized version bin by bin; with fewer bins per level, coarse
 *       levels look as good as fine ones and outliers are never clipped (measured on a Gaussian with ±40σ
 *       outliers: 512 bins keep them, 2048 clip at 4.5σ; an asymmetric range, whose levels span both sides,
 *       needed 8192 bins to clip both ends).</li>
 *   <li>{@code percentile} in (50, 100], default {@value #DEFAULT_PERCENTILE} (ORT's default); only with method
 *       {@code percentile}.</li>
 *   <li>Activations only (a weight's values are known exactly) and per tensor only (one histogram per tensor).</li>
 * </ul>
 *
 * @param method     how the range is chosen on the histogram
 * @param bins       number of equal-width bins
 * @param percentile for {@link Method#PERCENTILE}: the share of values (in %) the range covers
 * @param edges      how bin edges are chosen (one pass or two)
 */
public record HistogramEstimatorSpec(Method method, int bins, double percentile, Edges edges)
        implements Serializable {
    public static final int MIN_BINS = 128;
    public static final int MAX_BINS = 65536;
    public static final int KL_BINS_PER_LEVEL = 8;
    public static final int DEFAULT_BINS = 2048;
    public static final double DEFAULT_PERCENTILE = 99.999;

    /** How a range is chosen on a histogram. */
    public enum Method {
        /** The range minimising the expected quantization error (clipping + rounding). */
        MSE,
        /** TensorRT's entropy calibration: the threshold minimising the KL divergence of the quantized histogram. */
        KL,
        /** The range covering {@code percentile} % of the values. */
        PERCENTILE
    }

    /** How bin edges are chosen. */
    public enum Edges {
        /** One pass: power-of-two bins anchored at 0, between {@code bins + 1} and {@code 2 × bins} of them. */
        GRID,
        /** Two passes: the exact extremes first, then exactly {@code bins} equal bins over them. */
        EXTREMES
    }

    /** The default edges ({@link Edges#GRID}). */
    public HistogramEstimatorSpec(Method method, int bins, double percentile) {
        this(method, bins, percentile, Edges.GRID);
    }

    public HistogramEstimatorSpec {
        java.util.Objects.requireNonNull(edges, "edges");
    }

    /** The fewest bins {@code kl} accepts for a scheme with {@code levels} quantization levels. */
    public static long minKlBins(long levels) {
        return KL_BINS_PER_LEVEL * levels;
    }

    /** The defaults: method mse, 2048 bins, grid edges. */
    public static HistogramEstimatorSpec defaults() {
        return new HistogramEstimatorSpec(Method.MSE, DEFAULT_BINS, DEFAULT_PERCENTILE);
    }
}
