package dev.sparkptq.calibration;

/**
 * Minimises an objective over windows {@code (i, j)} of edge indices, {@code i in [iMin, iMax]},
 * {@code j in [jMin, jMax]}, {@code j - i >= minWidth}.
 *
 * <p>Coarse to fine: the box is first sampled on a grid of about {@code gridPoints} indices per axis (endpoints
 * included), so up to {@code gridPoints} candidates per axis the search is exhaustive. Otherwise, with stride
 * {@code s}, the box shrinks to {@code ±s} around the best point and the stride to {@code s / 4}, until a stride-1
 * round has run. Each refinement contains the previous best, so the result is never worse than the best coarse
 * point; it can miss a narrow global optimum between coarse points, which the error curves of real activations
 * (smooth, one basin) do not have. Ties keep the first candidate in (i, j) order. Deterministic.
 */
final class HistogramWindowSearch {

    /** The quantity to minimise for a window. */
    interface Objective {
        double at(int i, int j);
    }

    private HistogramWindowSearch() {
    }

    /** The best window, or null when no window satisfies the width constraint. */
    static HistogramWindow minimize(int iMin, int iMax, int jMin, int jMax, int minWidth, int gridPoints,
                                    Objective f) {
        int span = Math.max(iMax - iMin, jMax - jMin);
        int stride = Math.max(1, (span + gridPoints - 1) / gridPoints);
        int i0 = iMin;
        int i1 = iMax;
        int j0 = jMin;
        int j1 = jMax;
        HistogramWindow best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        while (true) {
            for (int i = i0; i <= i1; i = next(i, i1, stride)) {
                for (int j = j0; j <= j1; j = next(j, j1, stride)) {
                    if (j - i < minWidth) {
                        continue;
                    }
                    double v = f.at(i, j);
                    if (best == null || v < bestValue) {
                        best = new HistogramWindow(i, j);
                        bestValue = v;
                    }
                }
            }
            if (stride == 1 || best == null) {
                return best;
            }
            i0 = Math.max(iMin, best.lo() - stride);
            i1 = Math.min(iMax, best.lo() + stride);
            j0 = Math.max(jMin, best.hi() - stride);
            j1 = Math.min(jMax, best.hi() + stride);
            stride = Math.max(1, stride / 4);
        }
    }

    /** The next grid index after {@code k}: {@code k + stride}, but the box's end is always visited. */
    private static int next(int k, int end, int stride) {
        if (k == end) {
            return end + 1;
        }
        return Math.min(k + stride, end);
    }
}
