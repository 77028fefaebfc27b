package dev.sparkptq.calibration;

/**
 * A candidate range on a histogram, as edge indices: {@code [edge(lo), edge(hi)]}, {@code 0 <= lo < hi <= bins}.
 * Symmetric (magnitude) ranges have {@code lo == 0} and threshold {@code edge(hi)}.
 */
record HistogramWindow(int lo, int hi) {
}
