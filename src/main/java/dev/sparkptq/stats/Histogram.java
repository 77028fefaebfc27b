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
 * @param zeros     elements exactly 0 (also counted in the bin holding 0, see {@link #zeroBin()})
 */
public record Histogram(HistogramSpec.Domain domain, double low, double high, long[] counts, long nonFinite,
                        long clamped, long zeros) implements Serializable {

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

    /** The bin holding 0 (bin 0 for magnitudes), or -1 when 0 is outside {@code [low, high]}. */
    public int zeroBin() {
        if (low > 0 || high < 0) {
            return -1;
        }
        if (!(high > low)) {
            return 0;
        }
        return (int) Math.min(counts.length - 1, Math.floor(-low * (counts.length / (high - low))));
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
                && zeros == h.zeros && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, low, high, nonFinite, clamped, zeros) * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Histogram[" + domain + " [" + low + ", " + high + "] × " + counts.length + ", total " + total()
                + ", nonFinite " + nonFinite + ", clamped " + clamped + ", zeros " + zeros + "]";
    }
}
