package dev.sparkptq.calibration;

import dev.sparkptq.stats.Histogram;

/**
 * The range of {@code x} that minimises the expected squared error of {@code f(x)}, for a tensor whose readers all
 * apply the element-wise {@link ConsumerFunction} {@code f} (a value histogram; asymmetric levels).
 *
 * <p>Model, for a window {@code [a, b] = [edge(i), edge(j)]} in {@code steps} steps ({@code Δ = (b − a) / steps}):
 * a value {@code x} inside is rounded by a uniform error of variance {@code Δ²/12}, which moves {@code f(x)} by
 * {@code f'(x)} times as much (first order); a value below {@code a} becomes {@code a} and costs
 * {@code (f(x) − f(a))²}, above {@code b} likewise. A bin's values are taken at its centre plus a uniform spread
 * ({@code f'(x)² w²/12}). With {@code f} the identity this is {@link HistogramMse}'s model.
 *
 * <p>When the readers' result is itself quantized to a known range ({@code clip}, e.g. the SiLU output's own
 * quantizer before the next Conv), {@code f} is followed by clamping to it: values of {@code x} whose {@code f(x)}
 * would be clipped there anyway need no levels here (on YOLOX-nano, without the clamp the SiLU input's range kept
 * positive outliers up to 91 that the next quantizer cut at 17.6, tripling the step for every other value).
 *
 * <p>The clipping cost below edge {@code i} depends on {@code i} only and above edge {@code j} on {@code j} only, so
 * both are tabulated once (O(bins²), ~4·10⁶ terms for 2048 bins) and every window then costs O(1) with a prefix sum
 * of {@code c·f'²}; the search is {@link HistogramWindowSearch}'s, as for {@link HistogramMse}.
 */
final class HistogramFunctionMse {
    private final double[] below;
    private final double[] above;
    /** Prefix sums of {@code count · f'(centre)²}. */
    private final double[] gain;
    private final double binWidth;
    private final double steps;

    private HistogramFunctionMse(Histogram h, ConsumerFunction f, Range clip, int steps) {
        int n = h.bins();
        binWidth = h.width();
        double[] centre = new double[n];
        double[] value = new double[n];
        double[] spread = new double[n];
        gain = new double[n + 1];
        for (int k = 0; k < n; k++) {
            centre[k] = h.low() + (k + 0.5) * binWidth;
            double y = f.apply(centre[k]);
            value[k] = clamp(y, clip);
            double d = value[k] == y ? f.derivative(centre[k]) : 0;
            spread[k] = d * d * binWidth * binWidth / 12;
            gain[k + 1] = gain[k] + h.count(k) * d * d;
        }
        below = new double[n + 1];
        above = new double[n + 1];
        for (int e = 0; e <= n; e++) {
            double fe = clamp(f.apply(h.edge(e)), clip);
            double lo = 0;
            for (int k = 0; k < e; k++) {
                lo += h.count(k) * (square(value[k] - fe) + spread[k]);
            }
            double hi = 0;
            for (int k = e; k < n; k++) {
                hi += h.count(k) * (square(value[k] - fe) + spread[k]);
            }
            below[e] = lo;
            above[e] = hi;
        }
        this.steps = steps;
    }

    /** Expected total squared error of {@code f(x)} for window {@code (i, j)}. */
    double cost(int i, int j) {
        double step = (j - i) * binWidth / steps;
        return below[i] + above[j] + (gain[j] - gain[i]) * step * step / 12;
    }

    /** Best window with {@code edge(i) <= 0 <= edge(j)} ({@code i <= iMax}, {@code j >= jMin}). */
    static HistogramWindow values(Histogram h, ConsumerFunction f, Range clip, int steps, int iMax, int jMin) {
        HistogramFunctionMse m = new HistogramFunctionMse(h, f, clip, steps);
        return HistogramWindowSearch.minimize(0, iMax, jMin, h.bins(), 1, HistogramMse.GRID, m::cost);
    }

    private static double clamp(double y, Range clip) {
        return clip == null ? y : Math.max(clip.min(0), Math.min(clip.max(0), y));
    }

    private static double square(double x) {
        return x * x;
    }
}
