package dev.sparkptq.stats;

import java.io.Serializable;
import java.util.Objects;

/**
 * What to histogram: every element of one tensor (all samples, all channels), in one of two binnings.
 *
 * <p>{@link Binning#FIXED}: {@code bins} equal-width bins over the interval {@code [low, high]}, fixed before the
 * pass (from the exact extremes of a previous pass), which is what makes the histogram mergeable: two partitions
 * count into the same bins, and adding counts is exact and order independent. Example: an asymmetric activation
 * whose extremes were {@code [-0.7, 5.1]} is histogrammed as {@code VALUES} over {@code [-0.7, 5.1]}; a symmetric
 * one with extremes {@code [-3, 2]} as {@code MAGNITUDES} ({@code |x|}) over {@code [0, 3]}.
 *
 * <p>{@link Binning#GRID}: power-of-two-wide bins anchored at 0, at most {@code bins} of them, coarsened as the data
 * grow ({@link GridHistogramAccumulator}); needs no previous pass. {@code low} and {@code high} are 0.
 *
 * @param tensor  activation tensor name
 * @param domain  whether values or their magnitudes are counted
 * @param binning fixed edges or the one-pass grid
 * @param low     lower edge of bin 0 (0 for magnitudes and for the grid)
 * @param high    upper edge of the last bin, {@code >= low}; {@code low == high} puts everything in bin 0 (0 for the
 *                grid)
 * @param bins    number of bins, {@code >= 1}; for the grid the most bins its window may hold, {@code >= 2}
 */
public record HistogramSpec(String tensor, Domain domain, Binning binning, double low, double high, int bins)
        implements Serializable, Comparable<HistogramSpec> {

    /** How bin edges are chosen. */
    public enum Binning {
        /** {@code bins} equal bins over a {@code [low, high]} known before the pass. */
        FIXED,
        /** Power-of-two bin widths anchored at 0, chosen and coarsened during the pass. */
        GRID
    }

    /** What is counted. */
    public enum Domain {
        /** The signed values themselves (asymmetric ranges). */
        VALUES,
        /** {@code |x|} (symmetric ranges depend on magnitudes only; this doubles the resolution over [-m, m]). */
        MAGNITUDES
    }

    /** A fixed-edge histogram over {@code [low, high]}. */
    public HistogramSpec(String tensor, Domain domain, double low, double high, int bins) {
        this(tensor, domain, Binning.FIXED, low, high, bins);
    }

    /** A one-pass grid histogram of at most {@code maxBins} bins. */
    public static HistogramSpec grid(String tensor, Domain domain, int maxBins) {
        return new HistogramSpec(tensor, domain, Binning.GRID, 0.0, 0.0, maxBins);
    }

    public HistogramSpec {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(binning, "binning");
        if (binning == Binning.GRID && (low != 0.0 || high != 0.0 || bins < 2)) {
            throw new IllegalArgumentException("grid histogram of '" + tensor + "' takes no edges and at least 2 "
                    + "bins, got [" + low + ", " + high + "] × " + bins);
        }
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

    /** A fresh accumulator for this spec. */
    public HistogramCounter newCounter() {
        return binning == Binning.GRID ? new GridHistogramAccumulator(domain, bins) : new HistogramAccumulator(this);
    }

    /** Specs sort by tensor name (one histogram per tensor). */
    @Override
    public int compareTo(HistogramSpec o) {
        return tensor.compareTo(o.tensor);
    }
}
