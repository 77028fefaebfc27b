package dev.sparkptq.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable histogram over {@code [low, high]} in equal-width bins: bin {@code i} covers
 * {@code [edge(i), edge(i + 1))}, the last one also holds {@code high}.
 *
 * @param domain    values or magnitudes
 * @param low       lower edge
 * @param high      upper edge
 * @param counts    per-bin counts (copied in and out)
 * @param nonFinite NaN/±Inf elements skipped
 * @param clamped   elements outside {@code [low, high]} counted into an edge bin
 */
public record Histogram(HistogramSpec.Domain domain, double low, double high, long[] counts, long nonFinite,
                        long clamped) implements Serializable {

    public Histogram {
        Objects.requireNonNull(domain, "domain");
        counts = counts.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    public int bins() {
        return counts.length;
    }

    public long count(int i) {
        return counts[i];
    }

    /** Width of one bin (0 when {@code low == high}). */
    public double width() {
        return (high - low) / counts.length;
    }

    /** Edge {@code i} in {@code 0..bins}: {@code low + i · width}, exactly {@code high} for {@code i == bins}. */
    public double edge(int i) {
        return i == counts.length ? high : low + i * width();
    }

    /** Finite elements counted. */
    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && domain == h.domain && Double.compare(low, h.low) == 0
                && Double.compare(high, h.high) == 0 && nonFinite == h.nonFinite && clamped == h.clamped
                && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, low, high, nonFinite, clamped) * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Histogram[" + domain + " [" + low + ", " + high + "] × " + counts.length + ", total " + total()
                + ", nonFinite " + nonFinite + ", clamped " + clamped + "]";
    }
}
