package dev.sparkptq.calibration;

import dev.sparkptq.stats.Histogram;

/**
 * Quantiles of a histogram: the value below which a given share of the counted values lie, read off the cumulative
 * counts and interpolated linearly inside the bin where the share is reached (values taken as uniform within a
 * bin), so the error is below one bin width. Example: counts {@code [2, 6, 2]} over {@code [0, 3]}: the median
 * (5 of 10) is in bin 1, 3 of its 6 values in: {@code 1 + 3/6 = 1.5}.
 */
final class HistogramPercentile {
    private HistogramPercentile() {
    }

    /**
     * @param share in {@code [0, 1]}; 0 gives the lower edge of the first non-empty bin, 1 the upper edge of the
     *              last non-empty one
     */
    static double quantile(Histogram h, double share) {
        double target = share * h.total();
        long cumulative = 0;
        int last = -1;
        for (int k = 0; k < h.bins(); k++) {
            long c = h.count(k);
            if (c == 0) {
                continue;
            }
            if (cumulative + c >= target) {
                double inside = Math.max(0, target - cumulative) / c;
                return h.edge(k) + inside * h.width();
            }
            cumulative += c;
            last = k;
        }
        return last < 0 ? h.low() : h.edge(last + 1);
    }
}
