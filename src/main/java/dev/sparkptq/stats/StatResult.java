package dev.sparkptq.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The aggregated value of one statistic.
 *
 * @param values    one value per tensor (length 1) or per channel; NaN for a channel that never saw a finite value;
 *                  empty when no sample was added at all
 * @param samples   how many per-sample vectors were added
 * @param nonFinite how many per-sample entries were NaN (no finite activation for that sample/channel) and ignored
 */
public record StatResult(double[] values, long samples, long nonFinite) implements Serializable {

    public StatResult {
        Objects.requireNonNull(values, "values");
        values = values.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** Value {@code i} without copying the array. */
    public double value(int i) {
        return values[i];
    }

    public int length() {
        return values.length;
    }

    /** True when at least one sample was added and every value is finite. */
    public boolean complete() {
        if (values.length == 0) {
            return false;
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatResult r && samples == r.samples && nonFinite == r.nonFinite
                && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(samples, nonFinite) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "StatResult[" + Arrays.toString(values) + ", samples " + samples + ", nonFinite " + nonFinite + "]";
    }
}
