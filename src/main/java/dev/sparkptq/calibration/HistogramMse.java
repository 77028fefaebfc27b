package dev.sparkptq.calibration;

import dev.sparkptq.stats.Histogram;

/**
 * The range that minimises the expected squared quantization error on a histogram.
 *
 * <p>Model, for a window {@code [a, b] = [edge(i), edge(j)]} quantized in {@code steps} equal steps
 * ({@code Δ = (b − a) / steps}): every value inside contributes the rounding error {@code Δ²/12}; a value outside
 * is clipped to the nearer end and contributes its squared distance to it. A bin's values are taken as spread
 * uniformly over the bin, so a clipped bin with centre {@code x} adds {@code (x − b)² + w²/12} per value ({@code w}
 * the bin width); exact zeros ({@link Histogram#zeros()}) cost nothing, every window holding 0. Example: 8-bit symmetric, 1000 values in {@code [0, 1)} and one at 10: the range {@code [0, 10]}
 * costs 1001 × (10/127)²/12 ≈ 0.52, {@code [0, 1]} costs 1000 × (1/127)²/12 + 9² ≈ 81, so 10 is
 * kept; with 10⁶ values in {@code [0, 1)} the rounding term of {@code [0, 10]} (≈ 517) outweighs the clipping one
 * (≈ 86) and the outlier is clipped.
 *
 * <p>The clipping error below edge {@code i} and above edge {@code j} are prefix sums built once, in O(bins),
 * with recurrences whose terms are all non-negative (no cancellation for large counts), so every candidate costs
 * O(1). Symmetric (magnitude) histograms: every threshold {@code edge(j)} is tried. Asymmetric: windows whose ends
 * enclose 0, searched by {@link HistogramWindowSearch} (exhaustive up to {@value #GRID} candidates per end).
 */
final class HistogramMse {
    /** Grid points per axis for the asymmetric search: exhaustive up to this many candidates per end. */
    static final int GRID = 1024;

    /** Clipping error below edge i, in units of width²: Σ_{k<i} c_k ((i − k − ½)² + 1/12). */
    private final double[] lower;
    /** Clipping error above edge j, in units of width²: Σ_{k≥j} c_k ((k + ½ − j)² + 1/12). */
    private final double[] upper;
    private final double[] countBelow;
    private final double[] countAbove;
    private final double total;
    private final double zeros;
    private final double steps;

    private HistogramMse(Histogram h, int steps) {
        int n = h.bins();
        lower = new double[n + 1];
        upper = new double[n + 1];
        countBelow = new double[n + 1];
        countAbove = new double[n + 1];
        double l1 = 0;
        double l2 = 0;
        for (int i = 0; i < n; i++) {
            double c = h.count(i);
            l2 += 2 * l1 + countBelow[i] + 0.25 * c;
            l1 += countBelow[i] + 0.5 * c;
            countBelow[i + 1] = countBelow[i] + c;
            lower[i + 1] = l2 + countBelow[i + 1] / 12;
        }
        double a1 = 0;
        double a2 = 0;
        for (int j = n - 1; j >= 0; j--) {
            double c = h.count(j);
            a2 += 2 * a1 + countAbove[j + 1] + 0.25 * c;
            a1 += countAbove[j + 1] + 0.5 * c;
            countAbove[j] = countAbove[j + 1] + c;
            upper[j] = a2 + countAbove[j] / 12;
        }
        total = countBelow[n];
        zeros = h.zeros();
        this.steps = steps;
    }

    /** Expected total squared error of window {@code (i, j)}, in units of width². */
    double cost(int i, int j) {
        double inside = total - zeros - countBelow[i] - countAbove[j];
        double stepBins = (j - i) / steps;
        return lower[i] + upper[j] + inside * stepBins * stepBins / 12;
    }

    /** Best threshold {@code edge(j)} of a magnitude histogram, {@code steps} = the top level (e.g. 127). */
    static HistogramWindow magnitudes(Histogram h, int steps) {
        HistogramMse m = new HistogramMse(h, steps);
        int best = 1;
        for (int j = 2; j <= h.bins(); j++) {
            if (m.cost(0, j) < m.cost(0, best)) {
                best = j;
            }
        }
        return new HistogramWindow(0, best);
    }

    /** Best window of a value histogram with {@code edge(i) <= 0 <= edge(j)} ({@code i <= iMax}, {@code j >= jMin}). */
    static HistogramWindow values(Histogram h, int steps, int iMax, int jMin) {
        HistogramMse m = new HistogramMse(h, steps);
        return HistogramWindowSearch.minimize(0, iMax, jMin, h.bins(), 1, GRID, m::cost);
    }
}
