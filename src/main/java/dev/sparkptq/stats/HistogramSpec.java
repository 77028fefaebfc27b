package dev.sparkptq.stats;

import java.io.Serializable;
import java.util.Objects;

/**
 * What to histogram: every element of one tensor (all samples, all channels), counted in {@code bins} equal-width
 * bins over the fixed interval {@code [low, high]}.
 *
 * <p>The edges are fixed before the pass (from the exact extremes of a previous pass), which is what makes the
 * histogram mergeable: two partitions count into the same bins, and adding counts is exact and order independent.
 * Example: an asymmetric activation whose extremes were {@code [-0.7, 5.1]} is histogrammed as {@code VALUES}
 * over {@code [-0.7, 5.1]}; a symmetric one with extremes {@code [-3, 2]} as {@code MAGNITUDES} ({@code |x|})
 * over {@code [0, 3]}.
 *
 * @param tensor activation tensor name
 * @param domain whether values or their magnitudes are counted
 * @param low    lower edge of bin 0 (0 for magnitudes)
 * @param high   upper edge of the last bin, {@code >= low}; {@code low == high} puts everything in bin 0
 * @param bins   number of bins, {@code >= 1}
 */
public record HistogramSpec(String tensor, Domain domain, double low, double high, int bins)
        implements Serializable, Comparable<HistogramSpec> {

    /** What is counted. */
    public enum Domain {
        /** The signed values themselves (asymmetric ranges). */
        VALUES,
        /** {@code |x|} (symmetric ranges depend on magnitudes only; this doubles the resolution over [-m, m]). */
        MAGNITUDES
    }

    public HistogramSpec {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(domain, "domain");
        if (tensor.isEmpty()) {
            throw new IllegalArgumentException("histogram spec needs a tensor name");
        }
        if (!Double.isFinite(low) || !Double.isFinite(high) || high < low) {
            throw new IllegalArgumentException("histogram of '" + tensor + "' needs finite edges low <= high, got ["
                    + low + ", " + high + "]");
        }
        if (domain == Domain.MAGNITUDES && low != 0.0) {
            throw new IllegalArgumentException("a magnitude histogram of '" + tensor + "' starts at 0, got " + low);
        }
        if (bins < 1) {
            throw new IllegalArgumentException("histogram of '" + tensor + "' needs at least 1 bin, got " + bins);
        }
    }

    /** Specs sort by tensor name (one histogram per tensor). */
    @Override
    public int compareTo(HistogramSpec o) {
        return tensor.compareTo(o.tensor);
    }
}
