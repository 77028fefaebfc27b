package dev.sparkptq.calibration;

import dev.sparkptq.stats.Histogram;

/**
 * Entropy calibration (the method NVIDIA described for TensorRT, GTC 2017): the window whose quantized histogram
 * loses the least information, measured as the KL divergence {@code KL(P ‖ Q)}.
 *
 * <p>For a window of bins {@code [i, j)} and {@code L} quantization levels:
 * <ul>
 *   <li>{@code P}: the window's counts, with every value below it added to its first bin and every value above it
 *       to its last bin (clipped values land on the range's ends), normalised by all values;</li>
 *   <li>{@code Q}: the window's own counts (clipped values excluded) merged into {@code L} groups of (nearly)
 *       equal bin counts, each group's mass spread evenly over the group's bins where {@code P > 0}, normalised by
 *       the window's values.</li>
 * </ul>
 * Clipping makes {@code P}'s edge bins heavier than {@code Q} can represent; widening the window makes each level
 * coarser: the minimum balances both. Where {@code P > 0} but {@code Q = 0} (clipped values folded into an edge
 * group that holds no value of its own) {@code Q} is taken as {@value #EPSILON}, a heavy but finite penalty.
 *
 * <p>Exact zeros are left out of both distributions: every quantizer represents 0 exactly, and the spike of a
 * ReLU output at 0 (often half its values) would otherwise dominate the first level's error and push the threshold
 * far down (measured on SqueezeNet: ranges 2–3× narrower than the extremes and −8 points top-1).
 *
 * <p>Candidates: symmetric (magnitude) histograms try every threshold {@code edge(j)}, {@code j >= L} (exhaustive up
 * to {@value #GRID_1D} candidates, coarse to fine beyond); asymmetric ones try windows of at least {@code L} bins that
 * enclose 0, coarse to fine from a {@value #GRID_2D}-point grid per end (each candidate costs O(window), so the 2-D
 * grid is kept small). See {@link HistogramWindowSearch}.
 */
final class HistogramKl {
    static final double EPSILON = 1e-12;
    static final int GRID_1D = 4096;
    static final int GRID_2D = 48;

    private final long[] counts;
    /** prefix[k] = Σ_{m<k} counts[m]. */
    private final long[] prefix;
    /** nonEmpty[k] = number of non-empty bins among the first k. */
    private final int[] nonEmpty;
    private final int levels;

    private HistogramKl(Histogram h, int levels) {
        counts = h.counts();
        int zeroBin = h.zeroBin();
        if (zeroBin >= 0) {
            counts[zeroBin] -= Math.min(counts[zeroBin], h.zeros());
        }
        prefix = new long[counts.length + 1];
        nonEmpty = new int[counts.length + 1];
        for (int k = 0; k < counts.length; k++) {
            prefix[k + 1] = prefix[k] + counts[k];
            nonEmpty[k + 1] = nonEmpty[k] + (counts[k] > 0 ? 1 : 0);
        }
        this.levels = levels;
    }

    /** {@code KL(P ‖ Q)} of window {@code [i, j)}; +Inf when the window holds no value. */
    double divergence(int i, int j) {
        double total = prefix[counts.length];
        double inside = prefix[j] - prefix[i];
        if (inside == 0) {
            return Double.POSITIVE_INFINITY;
        }
        long below = prefix[i];
        long above = prefix[counts.length] - prefix[j];
        long width = j - i;
        double kl = 0;
        for (int g = 0; g < levels; g++) {
            int a = i + (int) (g * width / levels);
            int b = i + (int) ((g + 1) * width / levels);
            int support = nonEmpty[b] - nonEmpty[a]; // bins where P > 0: the non-empty ones and the folded edges
            boolean firstFolded = a == i && counts[i] == 0 && below > 0;
            support += firstFolded ? 1 : 0;
            if (b == j && counts[j - 1] == 0 && above > 0 && !(j - 1 == i && firstFolded)) {
                support++;
            }
            double perBin = support == 0 ? 0 : (double) (prefix[b] - prefix[a]) / support / inside;
            for (int k = a; k < b; k++) {
                long p = counts[k] + (k == i ? below : 0) + (k == j - 1 ? above : 0);
                if (p > 0) {
                    double pn = p / total;
                    kl += pn * Math.log(pn / Math.max(perBin, EPSILON));
                }
            }
        }
        return kl;
    }

    /** Best threshold {@code edge(j)} of a magnitude histogram for {@code levels} magnitude levels (e.g. 128). */
    static HistogramWindow magnitudes(Histogram h, int levels) {
        HistogramKl kl = new HistogramKl(h, levels);
        return HistogramWindowSearch.minimize(0, 0, levels, h.bins(), levels, GRID_1D, kl::divergence);
    }

    /** Best window of a value histogram with {@code edge(i) <= 0 <= edge(j)}, at least {@code levels} bins wide. */
    static HistogramWindow values(Histogram h, int levels, int iMax, int jMin) {
        HistogramKl kl = new HistogramKl(h, levels);
        return HistogramWindowSearch.minimize(0, iMax, jMin, h.bins(), levels, GRID_2D, kl::divergence);
    }
}
